// Token buckets: a burst, then a steady rate. Pure and unit-tested; the service that
// keeps one bucket per key (services/limits/rate_limiter.hpp) locks around them.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/clock.hpp"

namespace juttu::core {

// `burst` requests at once, refilled at `burst` per `period_ms`. A burst of 0 turns
// the limit off.
struct RateLimit {
    double burst = 0;
    TimeMs period_ms = 60'000;

    bool enabled() const { return burst > 0; }
    double per_ms() const { return burst / static_cast<double>(period_ms); }
    bool operator==(const RateLimit&) const = default;
};

// "BURST/SECONDS" ("10/60": ten at once, ten a minute), or "0" (off); nullopt for
// anything else. BURST 0-1000000, SECONDS 1-86400.
std::optional<RateLimit> parse_rate_limit(std::string_view text);
std::string to_string(const RateLimit& limit);

class TokenBucket {
public:
    // Takes one token at `now`: 0 when taken, else how long (ms, at least 1) until one
    // will be there. A refused take changes nothing.
    TimeMs take(const RateLimit& limit, TimeMs now);
    // Gives back a token taken for something that did not happen after all.
    void refund(const RateLimit& limit, TimeMs now);
    // True when the bucket has refilled completely, so forgetting it changes nothing.
    bool full(const RateLimit& limit, TimeMs now) const;

private:
    double level(const RateLimit& limit, TimeMs now) const;

    double tokens_ = -1;  // < 0: never used (full)
    TimeMs updated_ = 0;
};

}  // namespace juttu::core
