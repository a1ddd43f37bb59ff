// Secrets: random tokens, token hashes and password hashes. Thin wrappers over
// OpenSSL and libargon2 so the rest of Juttu never touches raw crypto.
#pragma once

#include <string>
#include <string_view>

namespace juttu::services {

// Base64url without padding (RFC 4648 §5), as tokens and JWTs spell bytes.
std::string base64url(std::string_view bytes);

// `prefix` + base64url of `bytes` random bytes from the OS CSPRNG.
std::string random_token(std::string_view prefix, std::size_t bytes = 24);

// Lower-case hex SHA-256: tokens are stored only as hashes.
std::string sha256_hex(std::string_view data);

// The raw 32 bytes of HMAC-SHA256(key, data).
std::string hmac_sha256(std::string_view key, std::string_view data);
// Compares two secrets in time that depends on their length only (CRYPTO_memcmp), so
// that a forger learns nothing from how long a refusal took.
bool same_bytes(std::string_view a, std::string_view b);

// argon2id with OWASP's minimum cost (m=19 MiB, t=2, p=1), PHC-encoded with its salt.
std::string hash_password(std::string_view password);
bool verify_password(const std::string& encoded, std::string_view password);

}  // namespace juttu::services
