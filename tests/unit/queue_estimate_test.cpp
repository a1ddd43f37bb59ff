#include "core/queue_estimate.hpp"

#include <gtest/gtest.h>

#include <limits>

namespace juttu::core {
namespace {

constexpr TimeMs minute_ms = 60'000;

TEST(QueueEstimate, PositionOverAgentsTimesHandleTime) {
    EXPECT_EQ(estimated_wait(1, 1, 5 * minute_ms), 5 * minute_ms);
    EXPECT_EQ(estimated_wait(3, 1, 4 * minute_ms), 12 * minute_ms);
    EXPECT_EQ(estimated_wait(3, 2, 4 * minute_ms), 6 * minute_ms);
    EXPECT_EQ(estimated_wait(10, 5, 6 * minute_ms), 12 * minute_ms);
}

TEST(QueueEstimate, RoundsUpToTheMinute) {
    EXPECT_EQ(estimated_wait(1, 4, 5 * minute_ms), 2 * minute_ms);  // 1.25 minutes
    EXPECT_EQ(estimated_wait(1, 1, 1000), minute_ms);               // never "0 minutes"
    EXPECT_EQ(estimated_wait(2, 3, 3 * minute_ms), 2 * minute_ms);  // exactly 2
}

TEST(QueueEstimate, DefaultsAndGuards) {
    EXPECT_EQ(estimated_wait(1, 1, 0), default_average_handle_time);  // no history
    EXPECT_EQ(estimated_wait(2, 1, -7), 2 * default_average_handle_time);
    EXPECT_EQ(estimated_wait(2, 0, 5 * minute_ms), 10 * minute_ms);  // nobody serving: as one
    EXPECT_EQ(estimated_wait(2, -3, 5 * minute_ms), 10 * minute_ms);
    EXPECT_EQ(estimated_wait(0, 1, 5 * minute_ms), 0);  // not queued
    EXPECT_EQ(estimated_wait(-1, 1, 5 * minute_ms), 0);
    EXPECT_EQ(estimated_wait(1, 1, std::numeric_limits<TimeMs>::max()), max_average_handle_time);
    // No overflow at the extremes (the sanitizer build checks).
    EXPECT_EQ(
        estimated_wait(std::numeric_limits<int>::max(), 1, std::numeric_limits<TimeMs>::max()),
        TimeMs{std::numeric_limits<int>::max()} * max_average_handle_time);
    EXPECT_EQ(estimated_wait(1, std::numeric_limits<int>::max(), minute_ms), minute_ms);
}

TEST(QueueEstimate, RollingAverage) {
    EXPECT_EQ(rolling_average(0, 4 * minute_ms), 4 * minute_ms);  // first sample
    EXPECT_EQ(rolling_average(8 * minute_ms, 16 * minute_ms), 9 * minute_ms);
    EXPECT_EQ(rolling_average(8 * minute_ms, 0), 8 * minute_ms);   // ignored
    EXPECT_EQ(rolling_average(8 * minute_ms, -5), 8 * minute_ms);  // ignored
    EXPECT_EQ(rolling_average(0, 0), 0);                           // still no history
    // A chat left open for a day counts as max_average_handle_time.
    EXPECT_EQ(rolling_average(0, 24 * 60 * minute_ms), max_average_handle_time);
    TimeMs average = 0;
    for (int i = 0; i < 200; ++i) average = rolling_average(average, 3 * minute_ms);
    EXPECT_EQ(average, 3 * minute_ms);
    for (int i = 0; i < 200; ++i) average = rolling_average(average, 6 * minute_ms);
    EXPECT_NEAR(static_cast<double>(average), 6.0 * minute_ms, 8.0);  // converges
}

}  // namespace
}  // namespace juttu::core
