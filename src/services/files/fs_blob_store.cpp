#include "services/files/fs_blob_store.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "services/auth/crypto.hpp"

namespace juttu::services {

namespace {

constexpr std::string_view temp_prefix = ".tmp-";

[[noreturn]] void fail(const std::string& what, int error) {
    throw BlobError("blob store: " + what + ": " + std::strerror(error));
}

// Closes the descriptor however the function leaves.
class Descriptor {
public:
    explicit Descriptor(int fd) : fd_(fd) {}
    Descriptor(const Descriptor&) = delete;
    Descriptor& operator=(const Descriptor&) = delete;
    ~Descriptor() {
        if (fd_ >= 0) ::close(fd_);
    }
    int get() const { return fd_; }

private:
    int fd_;
};

void write_all(int fd, std::string_view bytes, const std::string& path) {
    while (!bytes.empty()) {
        const auto written = ::write(fd, bytes.data(), bytes.size());
        if (written < 0) {
            if (errno == EINTR) continue;
            fail("cannot write " + path, errno);
        }
        bytes.remove_prefix(static_cast<std::size_t>(written));
    }
}

void sync_directory(const std::filesystem::path& directory) {
    Descriptor dir(::open(directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (dir.get() < 0) fail("cannot open " + directory.string(), errno);
    if (::fsync(dir.get()) != 0) fail("cannot sync " + directory.string(), errno);
}

}  // namespace

bool is_valid_blob_key(std::string_view key) {
    if (key.empty() || key.size() > 100 || key.front() == '.') return false;
    return std::all_of(key.begin(), key.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
               c == '_' || c == '-' || c == '.';
    });
}

FsBlobStore::FsBlobStore(std::filesystem::path directory) : directory_(std::move(directory)) {
    std::error_code ec;
    const bool created = std::filesystem::create_directories(directory_, ec);
    if (ec)
        throw BlobError("blob store: cannot create " + directory_.string() + ": " + ec.message());
    // A new directory's own entry must be on disk too, before any blob in it counts as put.
    if (created) {
        const auto parent = directory_.parent_path();
        sync_directory(parent.empty() ? std::filesystem::path(".") : parent);
    }
    for (const auto& entry : std::filesystem::directory_iterator(directory_, ec)) {
        if (entry.path().filename().string().starts_with(temp_prefix)) {
            std::filesystem::remove(entry.path(), ec);
        }
    }
}

std::filesystem::path FsBlobStore::path_of(const std::string& key) const {
    if (!is_valid_blob_key(key)) throw BlobError("blob store: invalid key");
    return directory_ / key;
}

void FsBlobStore::put(const std::string& key, std::string_view bytes) {
    const auto target = path_of(key);
    const auto temp = directory_ / (std::string(temp_prefix) + key + random_token("-", 6));
    {
        Descriptor file(::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600));
        if (file.get() < 0) fail("cannot create " + temp.string(), errno);
        try {
            write_all(file.get(), bytes, temp.string());
            if (::fsync(file.get()) != 0) fail("cannot sync " + temp.string(), errno);
        } catch (...) {
            ::unlink(temp.c_str());
            throw;
        }
    }
    if (::rename(temp.c_str(), target.c_str()) != 0) {
        const int error = errno;
        ::unlink(temp.c_str());
        fail("cannot rename to " + target.string(), error);
    }
    sync_directory(directory_);
}

std::optional<std::string> FsBlobStore::get(const std::string& key) {
    const auto path = path_of(key);
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        if (errno == ENOENT) return std::nullopt;
        fail("cannot open " + path.string(), errno);
    }
    std::ostringstream bytes;
    bytes << in.rdbuf();
    if (in.bad()) fail("cannot read " + path.string(), errno);
    return std::move(bytes).str();
}

void FsBlobStore::remove(const std::string& key) {
    const auto path = path_of(key);
    if (::unlink(path.c_str()) != 0 && errno != ENOENT)
        fail("cannot remove " + path.string(), errno);
}

void FsBlobStore::for_each_key(const std::function<void(const std::string&)>& visit) {
    std::error_code ec;
    std::filesystem::directory_iterator entries(directory_, ec);
    for (; !ec && entries != std::filesystem::directory_iterator(); entries.increment(ec)) {
        const auto name = entries->path().filename().string();
        std::error_code type_ec;  // an entry gone meanwhile is no blob
        // Temporary files start with '.', so they are no keys.
        if (is_valid_blob_key(name) && entries->is_regular_file(type_ec)) visit(name);
    }
    if (ec) throw BlobError("blob store: cannot list " + directory_.string() + ": " + ec.message());
}

}  // namespace juttu::services
