// Capability URLs for files: HMAC-SHA256, under a secret kept in the data dir, over the
// workspace, the file id, the variant (original or thumbnail) and the expiry. Whoever
// holds a URL may fetch that variant until it expires; URLs are issued only to those who
// may read the file (the conversation's visitor, the workspace's agents).
//
// Thread-safe (immutable after construction).
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

#include "core/ids.hpp"

namespace juttu::services {

class FileSigner {
public:
    explicit FileSigner(std::string secret) : secret_(std::move(secret)) {}
    // The secret in `file`, made (32 random bytes, mode 0600) when there is none.
    static FileSigner from_file(const std::filesystem::path& file);

    std::string signature(core::Id workspace_id, std::string_view file_id, std::string_view variant,
                          std::int64_t expires_s) const;
    bool verify(core::Id workspace_id, std::string_view file_id, std::string_view variant,
                std::int64_t expires_s, std::string_view signature) const;
    // "/files/{workspace}/{file id}/{variant}?exp=...&sig=..."
    std::string url(core::Id workspace_id, std::string_view file_id, std::string_view variant,
                    std::int64_t expires_s) const;

private:
    std::string secret_;
};

}  // namespace juttu::services
