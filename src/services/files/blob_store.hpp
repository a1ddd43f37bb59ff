// Where the bytes of files live: a small port, so that one node keeps them under its data
// dir (FsBlobStore) and a cluster can put a shared backend behind the same calls.
//
// Thread-safety: every method may be called from any thread at once. Calls block on the
// disk: make them off the event loops. Keys are [A-Za-z0-9_.-], 1-100 characters, made by
// the files service; anything else throws BlobError.
#pragma once

#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace juttu::services {

class BlobError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

class BlobStore {
public:
    virtual ~BlobStore() = default;
    // Durable when it returns (a crash after it keeps the whole blob, one before it leaves
    // none); replaces a blob of the same key. Throws BlobError.
    virtual void put(const std::string& key, std::string_view bytes) = 0;
    // nullopt when there is no such blob; throws BlobError when it cannot be read.
    virtual std::optional<std::string> get(const std::string& key) = 0;
    // Nothing happens when there is no such blob; throws BlobError when it cannot go.
    virtual void remove(const std::string& key) = 0;
    // Calls `visit` with the key of every blob, in no order; throws BlobError when the
    // blobs cannot be listed.
    virtual void for_each_key(const std::function<void(const std::string&)>& visit) = 0;
};

bool is_valid_blob_key(std::string_view key);

}  // namespace juttu::services
