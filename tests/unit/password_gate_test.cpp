// The bound on argon2 computations: at most `running` at once, at most `waiting` queued,
// turns first come first served, and nobody waits past max_wait.
#include "services/auth/password_gate.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace juttu::services {
namespace {

using namespace std::chrono_literals;

PasswordGate::Limits limits(std::size_t running, std::size_t waiting,
                            std::chrono::milliseconds max_wait = 5s) {
    return {running, waiting, max_wait};
}

void wait_until(const std::function<bool()>& condition) {
    const auto deadline = std::chrono::steady_clock::now() + 5s;
    while (!condition() && std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(1ms);
    }
    ASSERT_TRUE(condition());
}

TEST(PasswordGate, AdmitsUpToRunningAndTurnsAwayTheRestWithoutAQueue) {
    PasswordGate gate(limits(2, 0));
    auto first = gate.enter();
    auto second = gate.enter();
    ASSERT_TRUE(first && second);
    EXPECT_EQ(gate.running(), 2u);
    EXPECT_FALSE(gate.enter());
    first.reset();
    EXPECT_EQ(gate.running(), 1u);
    EXPECT_TRUE(gate.enter());  // destroyed at once: the slot is free again
    EXPECT_EQ(gate.running(), 1u);
}

TEST(PasswordGate, AFullQueueAnswersAtOnce) {
    PasswordGate gate(limits(1, 1));
    auto held = gate.enter();
    ASSERT_TRUE(held);
    std::atomic<bool> admitted{false};
    std::thread waiter([&] { admitted = gate.enter().has_value(); });
    wait_until([&] { return gate.waiting() == 1; });

    const auto start = std::chrono::steady_clock::now();
    EXPECT_FALSE(gate.enter());
    EXPECT_LT(std::chrono::steady_clock::now() - start, 1s);

    held.reset();
    waiter.join();
    EXPECT_TRUE(admitted);
    EXPECT_EQ(gate.running(), 0u);
    EXPECT_EQ(gate.waiting(), 0u);
}

TEST(PasswordGate, GivesUpAfterMaxWait) {
    PasswordGate gate(limits(1, 4, 50ms));
    auto held = gate.enter();
    const auto start = std::chrono::steady_clock::now();
    EXPECT_FALSE(gate.enter());
    EXPECT_GE(std::chrono::steady_clock::now() - start, 50ms);
    EXPECT_EQ(gate.waiting(), 0u);
    held.reset();
    EXPECT_EQ(gate.running(), 0u);
}

TEST(PasswordGate, TurnsGoInArrivalOrder) {
    PasswordGate gate(limits(1, 3));
    auto held = gate.enter();
    std::mutex mutex;
    std::vector<int> order;
    std::vector<std::thread> waiters;
    for (int i = 0; i < 3; ++i) {
        waiters.emplace_back([&, i] {
            auto permit = gate.enter();
            ASSERT_TRUE(permit);
            std::lock_guard lock(mutex);
            order.push_back(i);
        });
        wait_until([&] { return gate.waiting() == static_cast<std::size_t>(i + 1); });
    }
    EXPECT_FALSE(gate.enter());  // the queue is full
    held.reset();
    for (auto& waiter : waiters) waiter.join();
    EXPECT_EQ(order, (std::vector<int>{0, 1, 2}));
}

TEST(PasswordGate, NeverMoreThanRunningAtOnce) {
    PasswordGate gate(limits(2, 64));
    std::atomic<int> inside{0};
    std::atomic<int> most{0};
    std::atomic<int> admitted{0};
    std::vector<std::thread> threads;
    for (int i = 0; i < 16; ++i) {
        threads.emplace_back([&] {
            for (int round = 0; round < 20; ++round) {
                auto permit = gate.enter();
                if (!permit) continue;
                ++admitted;
                const int now = ++inside;
                int seen = most.load();
                while (now > seen && !most.compare_exchange_weak(seen, now)) {
                }
                std::this_thread::sleep_for(100us);
                --inside;
            }
        });
    }
    for (auto& thread : threads) thread.join();
    EXPECT_EQ(admitted, 16 * 20);  // the queue holds them all: nobody was turned away
    EXPECT_LE(most, 2);
    EXPECT_EQ(gate.running(), 0u);
}

}  // namespace
}  // namespace juttu::services
