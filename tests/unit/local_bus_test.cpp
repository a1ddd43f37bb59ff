#include "bus/local_bus.hpp"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

namespace juttu::bus {
namespace {

struct Recorder final : Subscriber {
    std::vector<std::string> frames;
    std::vector<std::uint16_t> closes;
    void deliver(const Frame& frame) override { frames.push_back(*frame); }
    void terminate(std::uint16_t code, const std::string&) override { closes.push_back(code); }
};

Frame frame(std::string text) { return std::make_shared<const std::string>(std::move(text)); }

TEST(LocalBus, DeliversTheSameBufferToEveryTopicSubscriber) {
    LocalBus bus;
    auto a = std::make_shared<Recorder>();
    auto b = std::make_shared<Recorder>();
    auto other = std::make_shared<Recorder>();
    bus.subscribe("workspace:1", a);
    bus.subscribe("workspace:1", b);
    bus.subscribe("workspace:2", other);
    bus.publish("workspace:1", frame("hello"));
    EXPECT_EQ(a->frames, std::vector<std::string>{"hello"});
    EXPECT_EQ(b->frames, std::vector<std::string>{"hello"});
    EXPECT_TRUE(other->frames.empty());
}

TEST(LocalBus, UnsubscribedAndDestroyedSubscribersReceiveNothing) {
    LocalBus bus;
    auto kept = std::make_shared<Recorder>();
    auto left = std::make_shared<Recorder>();
    bus.subscribe("contact:7", kept);
    bus.subscribe("contact:7", left);
    bus.unsubscribe("contact:7", left.get());
    {
        auto gone = std::make_shared<Recorder>();
        bus.subscribe("contact:7", gone);
    }
    bus.publish("contact:7", frame("x"));
    EXPECT_EQ(kept->frames.size(), 1U);
    EXPECT_TRUE(left->frames.empty());
    bus.unsubscribe("contact:7", kept.get());
    EXPECT_EQ(bus.topic_count(), 0U);
}

TEST(LocalBus, TerminateClosesEverySubscriberOfTheTopic) {
    LocalBus bus;
    auto first = std::make_shared<Recorder>();
    auto second = std::make_shared<Recorder>();
    bus.subscribe("session:3", first);
    bus.subscribe("session:4", second);
    bus.terminate("session:3", 4001, "session revoked");
    EXPECT_EQ(first->closes, std::vector<std::uint16_t>{4001});
    EXPECT_TRUE(second->closes.empty());
}

TEST(LocalBus, SubscribersMayUnsubscribeWhileBeingCalled) {
    // deliver() runs outside the bus's lock, so a subscriber that leaves from inside
    // its own callback must not deadlock.
    struct Leaver final : Subscriber {
        LocalBus* bus = nullptr;
        int calls = 0;
        void deliver(const Frame&) override {
            ++calls;
            bus->unsubscribe("t", this);
        }
        void terminate(std::uint16_t, const std::string&) override {}
    };
    LocalBus bus;
    auto leaver = std::make_shared<Leaver>();
    leaver->bus = &bus;
    bus.subscribe("t", leaver);
    bus.publish("t", frame("1"));
    bus.publish("t", frame("2"));
    EXPECT_EQ(leaver->calls, 1);
}

TEST(LocalBus, ConcurrentPublishersAndSubscribers) {
    LocalBus bus;
    struct Counter final : Subscriber {
        std::atomic<int> count{0};
        void deliver(const Frame&) override { ++count; }
        void terminate(std::uint16_t, const std::string&) override {}
    };
    auto counter = std::make_shared<Counter>();
    bus.subscribe("t", counter);
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t) {
        threads.emplace_back([&bus] {
            for (int i = 0; i < 1000; ++i) {
                bus.publish("t", frame("m"));
                auto transient = std::make_shared<Counter>();
                bus.subscribe("t", transient);
                bus.unsubscribe("t", transient.get());
            }
        });
    }
    for (auto& thread : threads) thread.join();
    EXPECT_EQ(counter->count.load(), 4000);
}

}  // namespace
}  // namespace juttu::bus
