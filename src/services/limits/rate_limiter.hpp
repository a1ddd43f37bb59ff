// Limits on how fast one client may do things that cost the server (docs/security.md,
// "Rate limits"): a token bucket per kind of action and key (an address, an account, a
// contact, a site), and a count of each contact's open sockets.
//
// Thread-safe and non-blocking: a take is a hash lookup under one of 16 mutexes, cheap
// enough for the event loops' fast path. Buckets that have refilled are forgotten by
// sweep(), so memory follows the clients active in the last period, and no more than
// max_keys are kept: past that, a new key is let through without a bucket (the per-site
// limits still hold).
//
// These limits live in one process; each node of a cluster counts its own clients.
#pragma once

#include <array>
#include <cstddef>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "core/clock.hpp"
#include "core/rate_limit.hpp"
#include "core/result.hpp"

namespace juttu::services {

enum class LimitKind {
    login_per_address,
    login_per_account,
    password_change_per_agent,
    contacts_per_address,
    contacts_per_site,
    conversations_per_address,
    conversations_per_site,
    messages_per_contact,
    page_views_per_contact,
    attributes_per_contact,
    uploads_per_contact,
    searches_per_agent,
};
inline constexpr std::size_t limit_kinds = 12;

struct LimitInfo {
    const char* name;  // the setting: "login_per_address" is limits.login_per_address
    const char* what;  // for the error message: "login attempts from this address"
    core::RateLimit default_rate;
};
const LimitInfo& info(LimitKind kind);

struct RateLimits {
    std::array<core::RateLimit, limit_kinds> rates{};
    std::size_t sockets_per_contact = 20;  // 0: no limit
    std::size_t max_keys = 1'000'000;

    static RateLimits defaults();
    // Everything off (for tests of other things, and benchmarks).
    static RateLimits unlimited();
    core::RateLimit& operator[](LimitKind kind) { return rates[static_cast<std::size_t>(kind)]; }
    const core::RateLimit& operator[](LimitKind kind) const {
        return rates[static_cast<std::size_t>(kind)];
    }
};

class RateLimiter {
public:
    RateLimiter(RateLimits limits, const core::Clock& clock);

    // Takes one of `key`'s tokens for `kind`: nullopt when allowed, else the refusal
    // (rate_limited, with retry_after_ms).
    [[nodiscard]] std::optional<core::Error> take(LimitKind kind, std::string_view key);
    // Gives back a token taken for something that did not happen after all.
    void refund(LimitKind kind, std::string_view key);
    // Takes a token of both limits, or of neither (the first refusal).
    [[nodiscard]] std::optional<core::Error> take_both(LimitKind first, std::string_view first_key,
                                                       LimitKind second,
                                                       std::string_view second_key);
    void refund_both(LimitKind first, std::string_view first_key, LimitKind second,
                     std::string_view second_key);

    // A contact's sockets: acquire when one says hello (false: too many, refused),
    // release when an acquired one closes.
    [[nodiscard]] bool acquire_socket(std::string_view contact);
    void release_socket(std::string_view contact);

    // Forgets the buckets that are full again. Call it now and then (the ticker does).
    void sweep();
    std::size_t keys() const;
    const RateLimits& limits() const { return limits_; }

private:
    struct Shard {
        mutable std::mutex mutex;
        std::unordered_map<std::string, core::TokenBucket> buckets;  // guarded by mutex
        std::unordered_map<std::string, std::size_t> sockets;        // guarded by mutex
    };
    Shard& shard_of(const std::string& key);

    const RateLimits limits_;
    const core::Clock& clock_;
    std::array<Shard, 16> shards_;
};

}  // namespace juttu::services
