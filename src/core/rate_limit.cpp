#include "core/rate_limit.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>

namespace juttu::core {

namespace {

std::optional<std::int64_t> whole_number(std::string_view text, std::int64_t max) {
    std::int64_t value = 0;
    const auto* end = text.data() + text.size();
    auto [ptr, ec] = std::from_chars(text.data(), end, value);
    if (text.empty() || ec != std::errc() || ptr != end || value < 0 || value > max) {
        return std::nullopt;
    }
    return value;
}

}  // namespace

std::optional<RateLimit> parse_rate_limit(std::string_view text) {
    if (text == "0") return RateLimit{0, 60'000};
    const auto slash = text.find('/');
    if (slash == std::string_view::npos) return std::nullopt;
    auto burst = whole_number(text.substr(0, slash), 1'000'000);
    auto seconds = whole_number(text.substr(slash + 1), 86'400);
    if (!burst || !seconds || *seconds == 0) return std::nullopt;
    return RateLimit{static_cast<double>(*burst), *seconds * 1000};
}

std::string to_string(const RateLimit& limit) {
    if (!limit.enabled()) return "0";
    return std::to_string(static_cast<std::int64_t>(limit.burst)) + "/" +
           std::to_string(limit.period_ms / 1000);
}

double TokenBucket::level(const RateLimit& limit, TimeMs now) const {
    if (tokens_ < 0) return limit.burst;
    const auto elapsed = static_cast<double>(std::max<TimeMs>(0, now - updated_));
    return std::min(limit.burst, tokens_ + elapsed * limit.per_ms());
}

TimeMs TokenBucket::take(const RateLimit& limit, TimeMs now) {
    if (!limit.enabled()) return 0;
    const double tokens = level(limit, now);
    if (tokens >= 1) {
        tokens_ = tokens - 1;
        updated_ = std::max(now, updated_);
        return 0;
    }
    const double missing = 1 - tokens;
    return std::max<TimeMs>(1, static_cast<TimeMs>(std::ceil(missing / limit.per_ms())));
}

void TokenBucket::refund(const RateLimit& limit, TimeMs now) {
    if (!limit.enabled() || tokens_ < 0) return;
    tokens_ = std::min(limit.burst, level(limit, now) + 1);
    updated_ = std::max(now, updated_);
}

bool TokenBucket::full(const RateLimit& limit, TimeMs now) const {
    return level(limit, now) >= limit.burst;
}

}  // namespace juttu::core
