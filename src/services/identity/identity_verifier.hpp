// Verified identity: the checks of what a shop's backend signed for its logged-in
// customer (docs/identity.md). Pure: no I/O, no clock of its own (the caller gives `now`).
//
// Two schemes, both keyed by one of the site's active identity secrets (the secret's
// text, as the shop's backend holds it, is the HMAC key):
// - user_hash: hex(HMAC-SHA256(secret, user_id)), as Chatwoot, Intercom and tawk.to sign;
// - token: a JWT (HS256 only) with the user id in `sub`, an `exp`, and optional `name`,
//   `email`, `iat`, `nbf`.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"
#include "core/types.hpp"

namespace juttu::services::identity {

// What a visitor's hello carries: a token, or a user id with its hash.
struct IdentityClaim {
    std::string token;
    std::string user_id;
    std::string user_hash;
};

struct VerifiedIdentity {
    std::string user_id;
    std::optional<std::string> name;   // from a token's claims only
    std::optional<std::string> email;  // from a token's claims only
};

inline constexpr std::size_t max_user_id_bytes = 200;
inline constexpr std::size_t max_token_bytes = 4096;
// How far the shop's clock and ours may disagree, for exp, nbf and iat.
inline constexpr core::TimeMs clock_skew_ms = 60'000;

// The claim checked against the site's active secrets (at most two: rotation). Any
// failure is a bad_identity error whose message says what was wrong, never which secret
// came close.
core::Result<VerifiedIdentity> verify(const IdentityClaim& claim,
                                      const std::vector<std::string>& secrets, core::TimeMs now);

// Strict base64url without padding: nullopt for any other character, a length that no
// encoding has, or set bits past the last byte (so that one token has one spelling).
std::optional<std::string> base64url_decode(std::string_view text);

}  // namespace juttu::services::identity
