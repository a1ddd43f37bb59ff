// The blob store of one node: one file per blob in a directory under the data dir.
// put() writes a temporary file, fsyncs it, renames it over the key and fsyncs the
// directory, so a blob is either whole or absent after a crash; temporary files a crash
// left behind are removed when the store opens. A directory it creates is synced into its
// parent.
#pragma once

#include <filesystem>

#include "services/files/blob_store.hpp"

namespace juttu::services {

class FsBlobStore final : public BlobStore {
public:
    // Creates the directory if needed; throws BlobError when it cannot.
    explicit FsBlobStore(std::filesystem::path directory);

    void put(const std::string& key, std::string_view bytes) override;
    std::optional<std::string> get(const std::string& key) override;
    void remove(const std::string& key) override;
    void for_each_key(const std::function<void(const std::string&)>& visit) override;

private:
    std::filesystem::path path_of(const std::string& key) const;

    std::filesystem::path directory_;
};

}  // namespace juttu::services
