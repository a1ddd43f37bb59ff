#include "services/routing/presence.hpp"

#include <gtest/gtest.h>

#include "test_support.hpp"

namespace juttu::services {
namespace {

using core::Availability;

using testing::ManualClock;

struct Recorder final : EventSink {
    std::vector<std::pair<core::Id, Availability>> changes;
    int routing_requests = 0;
    void routing_changed(core::Id) override { ++routing_requests; }
    void availability_changed(core::Id, core::Id agent_id, Availability availability) override {
        changes.emplace_back(agent_id, availability);
    }
};

core::Agent agent(core::Id id) {
    core::Agent a;
    a.id = id;
    a.workspace_id = 1;
    return a;
}

TEST(Presence, OnlineOnConnectOfflineAfterTheGracePeriod) {
    ManualClock clock;
    Recorder events;
    Presence presence(events, clock, 60'000);
    EXPECT_EQ(presence.availability(7), Availability::offline);
    presence.connected(agent(7));
    EXPECT_EQ(presence.availability(7), Availability::online);
    presence.disconnected(agent(7));
    clock.now += 59'999;
    presence.expire();
    EXPECT_EQ(presence.availability(7), Availability::online);
    clock.now += 1;
    presence.expire();
    EXPECT_EQ(presence.availability(7), Availability::offline);
    EXPECT_EQ(events.changes, (std::vector<std::pair<core::Id, Availability>>{
                                  {7, Availability::online}, {7, Availability::offline}}));
}

TEST(Presence, WithinTheGraceTheStatusStaysButNoChatIsRouted) {
    ManualClock clock;
    Recorder events;
    Presence presence(events, clock, 60'000);
    presence.connected(agent(7));
    EXPECT_TRUE(presence.routable(7));
    presence.disconnected(agent(7));
    clock.now += 10'000;
    presence.expire();
    EXPECT_EQ(presence.availability(7), Availability::online);
    EXPECT_FALSE(presence.routable(7));
    EXPECT_EQ(events.routing_requests, 0);
    presence.connected(agent(7));  // a reload: the same status, routable again
    EXPECT_TRUE(presence.routable(7));
    EXPECT_EQ(events.routing_requests, 1);
    EXPECT_EQ(events.changes.size(), 1U);
    presence.choose(agent(7), Availability::away);
    EXPECT_FALSE(presence.routable(7));
}

TEST(Presence, AnyOpenConnectionKeepsTheAgentAndItsChoice) {
    ManualClock clock;
    Recorder events;
    Presence presence(events, clock, 1'000);
    presence.connected(agent(3));
    presence.connected(agent(3));
    presence.choose(agent(3), Availability::away);
    presence.disconnected(agent(3));
    clock.now += 5'000;
    presence.expire();
    EXPECT_EQ(presence.availability(3), Availability::away);
    presence.disconnected(agent(3));
    clock.now += 5'000;
    presence.expire();
    EXPECT_EQ(presence.availability(3), Availability::offline);
    presence.connected(agent(3));  // comes back with its last choice
    EXPECT_EQ(presence.availability(3), Availability::away);
}

TEST(Presence, AChoiceWithoutAConnectionIsRememberedNotShown) {
    ManualClock clock;
    Recorder events;
    Presence presence(events, clock, 1'000);
    presence.choose(agent(4), Availability::away);
    EXPECT_EQ(presence.availability(4), Availability::offline);
    EXPECT_TRUE(events.changes.empty());
    presence.disconnected(agent(4));  // an unknown disconnect changes nothing
    presence.connected(agent(4));
    EXPECT_EQ(presence.availability(4), Availability::away);
}

}  // namespace
}  // namespace juttu::services
