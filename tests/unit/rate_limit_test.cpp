#include "core/rate_limit.hpp"

#include <gtest/gtest.h>

#include "net/client_address.hpp"
#include "services/limits/rate_limiter.hpp"
#include "test_support.hpp"

namespace juttu {
namespace {

using core::RateLimit;
using core::TokenBucket;

TEST(TokenBucket, ABurstThenTheSteadyRate) {
    const RateLimit limit{3, 3'000};  // 3 at once, then one a second
    TokenBucket bucket;
    for (int i = 0; i < 3; ++i) EXPECT_EQ(bucket.take(limit, 0), 0);
    EXPECT_EQ(bucket.take(limit, 0), 1'000);  // the wait until the next token
    EXPECT_EQ(bucket.take(limit, 400), 600);  // a refused take does not reset the refill
    EXPECT_EQ(bucket.take(limit, 1'000), 0);
    EXPECT_GT(bucket.take(limit, 1'000), 0);
    EXPECT_FALSE(bucket.full(limit, 2'000));
    EXPECT_TRUE(bucket.full(limit, 4'000));
}

TEST(TokenBucket, RefundGivesATokenBackAndNeverOverfills) {
    const RateLimit limit{1, 60'000};
    TokenBucket bucket;
    EXPECT_EQ(bucket.take(limit, 0), 0);
    EXPECT_GT(bucket.take(limit, 0), 0);
    bucket.refund(limit, 0);
    EXPECT_EQ(bucket.take(limit, 0), 0);
    bucket.refund(limit, 0);
    bucket.refund(limit, 0);
    EXPECT_EQ(bucket.take(limit, 0), 0);
    EXPECT_GT(bucket.take(limit, 0), 0);
}

TEST(TokenBucket, AnOffLimitAllowsEverything) {
    TokenBucket bucket;
    for (int i = 0; i < 1000; ++i) EXPECT_EQ(bucket.take(RateLimit{0, 1'000}, 0), 0);
}

TEST(ParseRateLimit, BurstSlashSecondsOrZero) {
    EXPECT_EQ(core::parse_rate_limit("10/60"), (RateLimit{10, 60'000}));
    EXPECT_EQ(core::parse_rate_limit("0"), (RateLimit{0, 60'000}));
    EXPECT_EQ(core::to_string(*core::parse_rate_limit("20/10")), "20/10");
    for (const char* bad : {"", "10", "10/", "/60", "10/0", "-1/60", "10/60s", "1.5/60", "a/b",
                            "10/86401", "1000001/1"}) {
        EXPECT_FALSE(core::parse_rate_limit(bad).has_value()) << bad;
    }
}

TEST(RateLimiter, KeysAndKindsAreCountedApart) {
    testing::ManualClock clock;
    auto limits = services::RateLimits::unlimited();
    limits[services::LimitKind::messages_per_contact] = RateLimit{2, 10'000};
    limits[services::LimitKind::page_views_per_contact] = RateLimit{1, 10'000};
    services::RateLimiter limiter(limits, clock);
    using services::LimitKind;
    EXPECT_FALSE(limiter.take(LimitKind::messages_per_contact, "1"));
    EXPECT_FALSE(limiter.take(LimitKind::messages_per_contact, "1"));
    auto refused = limiter.take(LimitKind::messages_per_contact, "1");
    ASSERT_TRUE(refused);
    EXPECT_EQ(refused->code, core::ErrorCode::rate_limited);
    EXPECT_EQ(refused->retry_after_ms, 5'000);
    EXPECT_FALSE(limiter.take(LimitKind::messages_per_contact, "2"));
    EXPECT_FALSE(limiter.take(LimitKind::page_views_per_contact, "1"));
    EXPECT_FALSE(limiter.take(LimitKind::login_per_address, "1"));  // off
}

TEST(RateLimiter, TakeBothTakesOfBothOrOfNeither) {
    testing::ManualClock clock;
    auto limits = services::RateLimits::unlimited();
    using services::LimitKind;
    limits[LimitKind::contacts_per_address] = RateLimit{2, 60'000};
    limits[LimitKind::contacts_per_site] = RateLimit{1, 60'000};
    services::RateLimiter limiter(limits, clock);
    const auto both = [&] {
        return limiter.take_both(LimitKind::contacts_per_address, "addr",
                                 LimitKind::contacts_per_site, "site");
    };
    EXPECT_FALSE(both());
    EXPECT_TRUE(both());  // the site is spent: the address's token is given back
    EXPECT_FALSE(limiter.take(LimitKind::contacts_per_address, "addr"));
    limiter.refund_both(LimitKind::contacts_per_address, "addr", LimitKind::contacts_per_site,
                        "site");
    EXPECT_FALSE(both());
}

TEST(RateLimiter, SweepForgetsOnlyRefilledBuckets) {
    testing::ManualClock clock;
    auto limits = services::RateLimits::unlimited();
    limits[services::LimitKind::messages_per_contact] = RateLimit{2, 10'000};
    services::RateLimiter limiter(limits, clock);
    using services::LimitKind;
    (void)limiter.take(LimitKind::messages_per_contact, "a");
    (void)limiter.take(LimitKind::messages_per_contact, "b");
    clock.now += 4'000;
    (void)limiter.take(LimitKind::messages_per_contact, "b");
    clock.now += 2'000;  // a is full again (1 taken, 6 s at 0.2/s), b is not
    limiter.sweep();
    EXPECT_EQ(limiter.keys(), 1U);
}

TEST(RateLimiter, PastMaxKeysNewKeysGoUncounted) {
    testing::ManualClock clock;
    auto limits = services::RateLimits::unlimited();
    limits[services::LimitKind::messages_per_contact] = RateLimit{1, 60'000};
    limits.max_keys = 16;  // one per shard
    services::RateLimiter limiter(limits, clock);
    for (int i = 0; i < 1'000; ++i) {
        (void)limiter.take(services::LimitKind::messages_per_contact, std::to_string(i));
    }
    EXPECT_LE(limiter.keys(), 16U);
}

TEST(RateLimiter, SocketsPerContact) {
    testing::ManualClock clock;
    auto limits = services::RateLimits::unlimited();
    limits.sockets_per_contact = 2;
    services::RateLimiter limiter(limits, clock);
    EXPECT_TRUE(limiter.acquire_socket("7"));
    EXPECT_TRUE(limiter.acquire_socket("7"));
    EXPECT_FALSE(limiter.acquire_socket("7"));
    EXPECT_TRUE(limiter.acquire_socket("8"));
    limiter.release_socket("7");
    EXPECT_TRUE(limiter.acquire_socket("7"));
}

namespace ip = boost::asio::ip;

TEST(TrustedProxies, ForwardedForIsBelievedOnlyFromTrustedPeers) {
    const net::TrustedProxies none;
    const auto peer = ip::make_address("10.0.0.5");
    EXPECT_EQ(none.client_address(peer, "203.0.113.9"), "10.0.0.5");

    const net::TrustedProxies proxies({"10.0.0.0/8", "::1"});
    EXPECT_EQ(proxies.client_address(peer, "203.0.113.9"), "203.0.113.9");
    // The client wrote the left entries; the right-most untrusted one is the client.
    EXPECT_EQ(proxies.client_address(peer, "1.2.3.4, 203.0.113.9"), "203.0.113.9");
    EXPECT_EQ(proxies.client_address(peer, "203.0.113.9, 10.1.1.1"), "203.0.113.9");
    EXPECT_EQ(proxies.client_address(peer, ""), "10.0.0.5");
    EXPECT_EQ(proxies.client_address(peer, "garbage"), "10.0.0.5");
    EXPECT_EQ(proxies.client_address(ip::make_address("192.0.2.1"), "203.0.113.9"), "192.0.2.1");
    EXPECT_EQ(proxies.client_address(ip::make_address("::1"), "2001:db8::1"), "2001:db8::1");
    EXPECT_EQ(proxies.client_address(ip::make_address("::ffff:10.0.0.5"), "198.51.100.1"),
              "198.51.100.1");
}

TEST(TrustedProxies, RefusesWhatIsNotAnAddressOrNetwork) {
    EXPECT_THROW(net::TrustedProxies({"proxy.example"}), std::invalid_argument);
    EXPECT_THROW(net::TrustedProxies({"10.0.0.0/33"}), std::invalid_argument);
}

TEST(LimitKey, Ipv6CountsByItsSlash64) {
    EXPECT_EQ(net::limit_key("198.51.100.7"), "198.51.100.7");
    EXPECT_EQ(net::limit_key("2001:db8:1:2::a"), "2001:db8:1:2::/64");
    EXPECT_EQ(net::limit_key("2001:db8:1:2:ffff::c"), "2001:db8:1:2::/64");
    EXPECT_NE(net::limit_key("2001:db8:1:3::a"), net::limit_key("2001:db8:1:2::a"));
}

}  // namespace
}  // namespace juttu
