#include "services/files/file_signer.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <sys/stat.h>

#include <array>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "services/auth/crypto.hpp"

namespace juttu::services {

namespace {

std::string hex(const unsigned char* bytes, std::size_t size) {
    static constexpr char digits[] = "0123456789abcdef";
    std::string out;
    out.reserve(size * 2);
    for (std::size_t i = 0; i < size; ++i) {
        out += digits[bytes[i] >> 4];
        out += digits[bytes[i] & 0xf];
    }
    return out;
}

}  // namespace

FileSigner FileSigner::from_file(const std::filesystem::path& file) {
    {
        std::ifstream in(file, std::ios::binary);
        std::string secret((std::istreambuf_iterator<char>(in)), {});
        if (secret.size() >= 32) return FileSigner(std::move(secret));
    }
    const std::string secret = random_token("", 32);
    const auto temp = file.string() + ".tmp";
    {
        const auto old_mask = ::umask(077);
        std::ofstream out(temp, std::ios::binary | std::ios::trunc);
        out << secret;
        out.close();
        ::umask(old_mask);
        if (!out) throw std::runtime_error("cannot write " + temp);
    }
    std::filesystem::rename(temp, file);
    return FileSigner(secret);
}

std::string FileSigner::signature(core::Id workspace_id, std::string_view file_id,
                                  std::string_view variant, std::int64_t expires_s) const {
    const std::string message = std::to_string(workspace_id) + "\n" + std::string(file_id) + "\n" +
                                std::string(variant) + "\n" + std::to_string(expires_s);
    std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
    unsigned int length = 0;
    if (HMAC(EVP_sha256(), secret_.data(), static_cast<int>(secret_.size()),
             reinterpret_cast<const unsigned char*>(message.data()), message.size(), digest.data(),
             &length) == nullptr) {
        throw std::runtime_error("HMAC-SHA256 failed");
    }
    return hex(digest.data(), length);
}

bool FileSigner::verify(core::Id workspace_id, std::string_view file_id, std::string_view variant,
                        std::int64_t expires_s, std::string_view given) const {
    const auto expected = signature(workspace_id, file_id, variant, expires_s);
    return given.size() == expected.size() &&
           CRYPTO_memcmp(given.data(), expected.data(), expected.size()) == 0;
}

std::string FileSigner::url(core::Id workspace_id, std::string_view file_id,
                            std::string_view variant, std::int64_t expires_s) const {
    return "/files/" + std::to_string(workspace_id) + "/" + std::string(file_id) + "/" +
           std::string(variant) + "?exp=" + std::to_string(expires_s) +
           "&sig=" + signature(workspace_id, file_id, variant, expires_s);
}

}  // namespace juttu::services
