#include "services/identity/identity_verifier.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>
#include <cmath>

#include "core/validation.hpp"
#include "services/auth/crypto.hpp"

namespace juttu::services::identity {

using core::ErrorCode;
using core::fail;

namespace {

core::Error refused(std::string_view why) {
    return fail(ErrorCode::bad_identity, "the identity was refused: " + std::string(why));
}

std::optional<core::Error> user_id_problem(std::string_view user_id) {
    if (core::line_problem(user_id, max_user_id_bytes)) {
        return refused("the user id must be 1-200 bytes on one line");
    }
    return std::nullopt;
}

int hex_digit(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

std::optional<std::string> hex_decode(std::string_view text) {
    if (text.size() % 2 != 0) return std::nullopt;
    std::string bytes;
    for (std::size_t i = 0; i < text.size(); i += 2) {
        const int high = hex_digit(text[i]);
        const int low = hex_digit(text[i + 1]);
        if (high < 0 || low < 0) return std::nullopt;
        bytes += static_cast<char>((high << 4) | low);
    }
    return bytes;
}

// Every secret is tried, even after a match, so that the time taken does not say which
// one signed.
bool signed_by_any(std::string_view data, std::string_view mac,
                   const std::vector<std::string>& secrets) {
    bool matched = false;
    for (const auto& secret : secrets) {
        if (secret.empty()) continue;
        matched = same_bytes(hmac_sha256(secret, data), mac) || matched;
    }
    return matched;
}

core::Result<VerifiedIdentity> verify_user_hash(const IdentityClaim& claim,
                                                const std::vector<std::string>& secrets) {
    if (auto problem = user_id_problem(claim.user_id)) return *problem;
    auto mac = hex_decode(claim.user_hash);
    if (!mac || mac->size() != 32) return refused("user_hash must be 64 hex digits");
    if (!signed_by_any(claim.user_id, *mac, secrets)) {
        return refused("user_hash does not match the user id");
    }
    return VerifiedIdentity{claim.user_id, std::nullopt, std::nullopt};
}

// A JWT part as a JSON object: shallow, as a header and claims are.
std::optional<boost::json::object> json_part(std::string_view encoded) {
    auto text = base64url_decode(encoded);
    if (!text) return std::nullopt;
    boost::json::parse_options options;
    options.max_depth = 4;
    boost::system::error_code ec;
    auto value = boost::json::parse(*text, ec, {}, options);
    if (ec || !value.is_object()) return std::nullopt;
    return std::move(value.get_object());
}

// A NumericDate (seconds) in milliseconds; nullopt when it is not a finite number.
std::optional<core::TimeMs> numeric_date(const boost::json::value& value) {
    double seconds = 0;
    if (value.is_int64()) {
        seconds = static_cast<double>(value.get_int64());
    } else if (value.is_uint64()) {
        seconds = static_cast<double>(value.get_uint64());
    } else if (value.is_double()) {
        seconds = value.get_double();
    } else {
        return std::nullopt;
    }
    // Beyond this a millisecond count no longer fits: no real date is there.
    if (!std::isfinite(seconds) || std::abs(seconds) > 9e12) return std::nullopt;
    return static_cast<core::TimeMs>(seconds * 1000);
}

// exp is required; nbf and iat only when present. Each may be off by the clock skew.
std::optional<core::Error> time_problem(const boost::json::object& claims, core::TimeMs now) {
    const auto* exp = claims.if_contains("exp");
    if (exp == nullptr) return refused("the token has no exp");
    auto expires = numeric_date(*exp);
    if (!expires) return refused("exp must be a number of seconds");
    if (now > *expires + clock_skew_ms) return refused("the token has expired");
    for (const char* key : {"nbf", "iat"}) {
        const auto* given = claims.if_contains(key);
        if (given == nullptr) continue;
        auto at = numeric_date(*given);
        if (!at) return refused(std::string(key) + " must be a number of seconds");
        if (*at > now + clock_skew_ms) return refused(std::string(key) + " is in the future");
    }
    return std::nullopt;
}

// An optional string claim; false when it is there but not a string.
bool read_string_claim(const boost::json::object& claims, std::string_view key,
                       std::optional<std::string>& out) {
    const auto* value = claims.if_contains(key);
    if (value == nullptr || value->is_null()) return true;
    if (!value->is_string()) return false;
    out = std::string(value->get_string());
    return true;
}

core::Result<VerifiedIdentity> identity_from_claims(const boost::json::object& claims) {
    const auto* sub = claims.if_contains("sub");
    if (sub == nullptr || !sub->is_string()) return refused("sub must be the user id, a string");
    VerifiedIdentity identity{std::string(sub->get_string()), std::nullopt, std::nullopt};
    if (auto problem = user_id_problem(identity.user_id)) return *problem;
    if (!read_string_claim(claims, "name", identity.name) ||
        !read_string_claim(claims, "email", identity.email)) {
        return refused("name and email must be strings");
    }
    return identity;
}

core::Result<VerifiedIdentity> verify_token(std::string_view token,
                                            const std::vector<std::string>& secrets,
                                            core::TimeMs now) {
    if (token.size() > max_token_bytes) return refused("the token is longer than 4096 bytes");
    const auto first = token.find('.');
    const auto second = first == std::string_view::npos ? first : token.find('.', first + 1);
    if (second == std::string_view::npos || token.find('.', second + 1) != std::string_view::npos) {
        return refused("a token is three base64url parts joined by dots");
    }
    auto header = json_part(token.substr(0, first));
    if (!header) return refused("the token's header is not base64url JSON");
    // Exactly HS256: `none`, other HMACs and public-key algorithms are never accepted,
    // whatever the header says.
    const auto* alg = header->if_contains("alg");
    if (alg == nullptr || !alg->is_string() || alg->get_string() != "HS256") {
        return refused("the token's alg must be HS256");
    }
    auto mac = base64url_decode(token.substr(second + 1));
    if (!mac || mac->size() != 32) return refused("the token's signature is malformed");
    // The signature before the claims: nothing of an unsigned token is read further.
    if (!signed_by_any(token.substr(0, second), *mac, secrets)) {
        return refused("the token's signature does not match");
    }
    auto claims = json_part(token.substr(first + 1, second - first - 1));
    if (!claims) return refused("the token's claims are not base64url JSON");
    if (auto problem = time_problem(*claims, now)) return *problem;
    return identity_from_claims(*claims);
}

int base64url_value(char c) {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '-') return 62;
    if (c == '_') return 63;
    return -1;
}

}  // namespace

std::optional<std::string> base64url_decode(std::string_view text) {
    if (text.size() % 4 == 1) return std::nullopt;
    std::string out;
    std::uint32_t buffer = 0;
    int bits = 0;
    for (char c : text) {
        const int value = base64url_value(c);
        if (value < 0) return std::nullopt;
        buffer = (buffer << 6) | static_cast<std::uint32_t>(value);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out += static_cast<char>((buffer >> bits) & 0xFF);
        }
    }
    if ((buffer & ((1U << bits) - 1)) != 0) return std::nullopt;
    return out;
}

core::Result<VerifiedIdentity> verify(const IdentityClaim& claim,
                                      const std::vector<std::string>& secrets, core::TimeMs now) {
    if (secrets.empty()) return refused("the site has no identity secret");
    if (!claim.token.empty()) return verify_token(claim.token, secrets, now);
    return verify_user_hash(claim, secrets);
}

}  // namespace juttu::services::identity
