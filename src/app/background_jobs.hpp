// The server's once-a-second jobs, in one list that `serve` hands to a Ticker and the
// error-boundary tests run against a failing store.
#pragma once

#include <vector>

#include "app/ticker.hpp"
#include "services/limits/rate_limiter.hpp"
#include "services/offline/missed_chats.hpp"
#include "services/routing/presence.hpp"
#include "services/routing/site_status.hpp"

namespace juttu::app {

struct BackgroundServices {
    services::Presence& presence;
    services::MissedChats& missed_chats;
    services::SiteStatus& site_status;
    services::RateLimiter& limits;
};

// For a one-second tick: agents gone past their grace period go offline and visitors
// gone before an answer make missed chats (every tick), opening hours begin and end
// (every fifth), refilled rate-limit buckets are forgotten (every tenth).
inline std::vector<TickerJob> background_jobs(const BackgroundServices& s) {
    return {
        {"presence expiry", 1, [&presence = s.presence] { presence.expire(); }},
        {"missed chats", 1, [&missed = s.missed_chats] { missed.expire(); }},
        {"site status", 5, [&status = s.site_status] { status.tick(); }},
        {"rate limit sweep", 10, [&limits = s.limits] { limits.sweep(); }},
    };
}

}  // namespace juttu::app
