#include "services/limits/rate_limiter.hpp"

#include <functional>

namespace juttu::services {

namespace {

using core::RateLimit;

constexpr RateLimit per_minute(double burst) { return RateLimit{burst, 60'000}; }

// The defaults: room for people behind one address (an office, a mobile network), none
// for a script. Every one is a setting (docs/security.md).
const std::array<LimitInfo, limit_kinds> infos{{
    {"login_per_address", "login attempts from this address", per_minute(20)},
    {"login_per_account", "login attempts for this account", per_minute(5)},
    {"password_change_per_agent", "password changes", per_minute(5)},
    {"contacts_per_address", "new visitors from this address", per_minute(60)},
    {"contacts_per_site", "new visitors on this site", per_minute(3'000)},
    {"conversations_per_address", "new chats from this address", per_minute(20)},
    {"conversations_per_site", "new chats on this site", per_minute(600)},
    {"messages_per_contact", "messages", RateLimit{20, 10'000}},
    {"page_views_per_contact", "page views", per_minute(60)},
    {"attributes_per_contact", "attribute updates", per_minute(30)},
    {"uploads_per_contact", "file uploads", per_minute(20)},
    // A search of a common word can read a large part of the index: a person searches a
    // few times a minute, a script thousands.
    {"searches_per_agent", "searches", per_minute(120)},
}};

std::string bucket_key(LimitKind kind, std::string_view key) {
    std::string out(1, static_cast<char>('a' + static_cast<int>(kind)));
    out += key;
    return out;
}

}  // namespace

const LimitInfo& info(LimitKind kind) { return infos[static_cast<std::size_t>(kind)]; }

RateLimits RateLimits::defaults() {
    RateLimits limits;
    for (std::size_t i = 0; i < limit_kinds; ++i) limits.rates[i] = infos[i].default_rate;
    return limits;
}

RateLimits RateLimits::unlimited() {
    RateLimits limits;
    limits.sockets_per_contact = 0;
    return limits;
}

RateLimiter::RateLimiter(RateLimits limits, const core::Clock& clock)
    : limits_(limits), clock_(clock) {}

RateLimiter::Shard& RateLimiter::shard_of(const std::string& key) {
    return shards_[std::hash<std::string>{}(key) % shards_.size()];
}

std::optional<core::Error> RateLimiter::take(LimitKind kind, std::string_view key) {
    const auto& rate = limits_[kind];
    if (!rate.enabled()) return std::nullopt;
    const auto full_key = bucket_key(kind, key);
    auto& shard = shard_of(full_key);
    const auto now = clock_.now_ms();
    core::TimeMs wait = 0;
    {
        std::lock_guard lock(shard.mutex);
        auto found = shard.buckets.find(full_key);
        if (found == shard.buckets.end()) {
            if (shard.buckets.size() >= limits_.max_keys / shards_.size()) return std::nullopt;
            found = shard.buckets.emplace(full_key, core::TokenBucket{}).first;
        }
        wait = found->second.take(rate, now);
    }
    if (wait == 0) return std::nullopt;
    auto error = core::fail(core::ErrorCode::rate_limited,
                            std::string("too many ") + info(kind).what + ": try again in " +
                                std::to_string((wait + 999) / 1000) + " s");
    error.retry_after_ms = wait;
    return error;
}

void RateLimiter::refund(LimitKind kind, std::string_view key) {
    const auto& rate = limits_[kind];
    if (!rate.enabled()) return;
    const auto full_key = bucket_key(kind, key);
    auto& shard = shard_of(full_key);
    std::lock_guard lock(shard.mutex);
    if (auto found = shard.buckets.find(full_key); found != shard.buckets.end()) {
        found->second.refund(rate, clock_.now_ms());
    }
}

std::optional<core::Error> RateLimiter::take_both(LimitKind first, std::string_view first_key,
                                                  LimitKind second, std::string_view second_key) {
    if (auto refused = take(first, first_key)) return refused;
    if (auto refused = take(second, second_key)) {
        refund(first, first_key);
        return refused;
    }
    return std::nullopt;
}

void RateLimiter::refund_both(LimitKind first, std::string_view first_key, LimitKind second,
                              std::string_view second_key) {
    refund(first, first_key);
    refund(second, second_key);
}

bool RateLimiter::acquire_socket(std::string_view contact) {
    if (limits_.sockets_per_contact == 0) return true;
    const std::string key(contact);
    auto& shard = shard_of(key);
    std::lock_guard lock(shard.mutex);
    auto& count = shard.sockets[key];
    if (count >= limits_.sockets_per_contact) return false;
    ++count;
    return true;
}

void RateLimiter::release_socket(std::string_view contact) {
    if (limits_.sockets_per_contact == 0) return;
    const std::string key(contact);
    auto& shard = shard_of(key);
    std::lock_guard lock(shard.mutex);
    auto found = shard.sockets.find(key);
    if (found == shard.sockets.end()) return;
    if (--found->second == 0) shard.sockets.erase(found);
}

void RateLimiter::sweep() {
    const auto now = clock_.now_ms();
    for (auto& shard : shards_) {
        std::lock_guard lock(shard.mutex);
        std::erase_if(shard.buckets, [&](const auto& entry) {
            const auto kind = static_cast<std::size_t>(entry.first.front() - 'a');
            return entry.second.full(limits_.rates[kind], now);
        });
    }
}

std::size_t RateLimiter::keys() const {
    std::size_t total = 0;
    for (const auto& shard : shards_) {
        std::lock_guard lock(shard.mutex);
        total += shard.buckets.size();
    }
    return total;
}

}  // namespace juttu::services
