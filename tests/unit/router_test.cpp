// The Router on a real SQLite store: the capacity bound while visitors arrive on several
// threads at once, fairness between agents, queue places, and hand-out as capacity frees.
#include "services/routing/router.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <map>
#include <mutex>
#include <thread>
#include <vector>

#include "store/sqlite/sqlite_store.hpp"
#include "temp_dir.hpp"
#include "test_support.hpp"

namespace juttu::services {
namespace {

using testing::ManualClock;

// Keeps what the router announces; safe from any thread.
struct Recorder final : EventSink {
    std::mutex mutex;
    std::map<core::Id, QueuePlace> places;  // by conversation: the last one told
    int assignments = 0;
    void conversation_changed(const core::Conversation& conversation) override {
        std::lock_guard lock(mutex);
        if (conversation.assignee_id) ++assignments;
    }
    void queue_moved(const QueuePlace& place) override {
        std::lock_guard lock(mutex);
        places[place.conversation_id] = place;
    }
};

class RouterTest : public ::testing::Test {
protected:
    void SetUp() override {
        workspace_ = store_->create_workspace("Routing", 1);
        core::Site site;
        site.workspace_id = workspace_.id;
        site.key = "routing-key";
        site.name = "Routing shop";
        site_ = store_->create_site(site);
    }

    core::Agent add_agent(const std::string& name, int capacity, bool online = true) {
        core::Agent agent;
        agent.workspace_id = workspace_.id;
        agent.email = name + "@example.com";
        agent.name = name;
        agent.capacity = capacity;
        auto created = *store_->create_agent(agent, "hash");
        if (online) presence_.connected(created);
        return created;
    }

    // A new visitor's first message, as the chat service stores it.
    core::Conversation arrive(const std::string& token) {
        auto contact = store_->create_contact(workspace_.id, site_.id, token, clock_.now.load());
        return store_
            ->append_message(testing::visitor_message(workspace_.id, site_.id, contact.id, "first",
                                                      "hello", clock_.now.fetch_add(1)))
            .conversation;
    }

    std::map<core::Id, int> open_chats() { return store_->count_open_chats(workspace_.id); }

    testing::TempDir dir_;
    std::unique_ptr<store::sqlite::SqliteStore> store_ =
        store::sqlite::SqliteStore::open(dir_.path() / "juttu.db");
    core::Workspace workspace_;
    core::Site site_;
    ManualClock clock_;
    Recorder events_;
    Presence presence_{events_, clock_, 60'000};
    Notes notes_{*store_, events_, clock_};
    // Passes run on the caller's thread here, so every thread races every other.
    Router router_{*store_, presence_, notes_,
                   events_, clock_,    [](std::function<void()> pass) { pass(); }};
};

TEST_F(RouterTest, ConcurrentArrivalsNeverExceedCapacity) {
    std::vector<core::Agent> agents;
    for (int i = 0; i < 4; ++i) agents.push_back(add_agent("agent" + std::to_string(i), 3));
    constexpr int threads = 6;
    constexpr int per_thread = 10;
    std::vector<std::thread> workers;
    for (int t = 0; t < threads; ++t) {
        workers.emplace_back([this, t] {
            for (int i = 0; i < per_thread; ++i) {
                arrive("v" + std::to_string(t) + "-" + std::to_string(i));
                router_.route(workspace_.id);
            }
        });
    }
    for (auto& worker : workers) worker.join();
    const auto counts = open_chats();
    for (const auto& agent : agents) EXPECT_EQ(counts.at(agent.id), 3) << agent.name;
    EXPECT_EQ(events_.assignments, 12);
    const auto queue = router_.queue(workspace_.id);
    ASSERT_EQ(queue.size(), static_cast<std::size_t>(threads * per_thread - 12));
    for (std::size_t i = 0; i < queue.size(); ++i) {
        EXPECT_EQ(queue[i].place.position, static_cast<int>(i) + 1);
        EXPECT_EQ(events_.places.at(queue[i].conversation.id).position, static_cast<int>(i) + 1);
    }
}

TEST_F(RouterTest, MostFreeCapacityFirstThenLongestIdle) {
    auto small = add_agent("small", 1);
    auto big = add_agent("big", 3);
    std::vector<core::Id> order;
    for (int i = 0; i < 4; ++i) {
        auto conversation = arrive("fair" + std::to_string(i));
        router_.route(workspace_.id);
        clock_.now += 1000;
        order.push_back(*store_->find_conversation(workspace_.id, conversation.id)->assignee_id);
    }
    // big (3 free) takes the first; then 2 vs 1 free: big again; then 1 vs 1: small has
    // been idle longer (never assigned); then big's last slot.
    EXPECT_EQ(order, (std::vector<core::Id>{big.id, big.id, small.id, big.id}));
}

TEST_F(RouterTest, FreedCapacityTakesTheHeadAndPlacesMoveUp) {
    auto only = add_agent("only", 1);
    auto first = arrive("a");
    auto second = arrive("b");
    auto third = arrive("c");
    router_.route(workspace_.id);
    EXPECT_EQ(store_->find_conversation(workspace_.id, first.id)->assignee_id, only.id);
    EXPECT_EQ(events_.places.at(second.id).position, 1);
    EXPECT_EQ(events_.places.at(third.id).position, 2);
    EXPECT_GE(events_.places.at(third.id).estimated_wait_ms.value(),
              events_.places.at(second.id).estimated_wait_ms.value());

    store_->set_conversation_status(workspace_.id, first.id, core::ConversationStatus::closed,
                                    clock_.now.load());
    router_.route(workspace_.id);
    EXPECT_EQ(store_->find_conversation(workspace_.id, second.id)->assignee_id, only.id);
    EXPECT_EQ(events_.places.at(second.id).position, 0) << "told it left the queue";
    EXPECT_EQ(events_.places.at(third.id).position, 1);
}

TEST_F(RouterTest, NobodyOnlineOrAwayTakesNothing) {
    auto away = add_agent("away", 5);
    presence_.choose(away, core::Availability::away);
    add_agent("offline", 5, false);
    auto waiting = arrive("w");
    router_.route(workspace_.id);
    EXPECT_FALSE(store_->find_conversation(workspace_.id, waiting.id)->assignee_id);
    EXPECT_EQ(events_.places.at(waiting.id).position, 1);
    EXPECT_FALSE(events_.places.at(waiting.id).estimated_wait_ms) << "nobody to wait for";
    presence_.choose(away, core::Availability::online);
    router_.route(workspace_.id);
    EXPECT_EQ(store_->find_conversation(workspace_.id, waiting.id)->assignee_id, away.id);
}

TEST_F(RouterTest, RequestsCoalesceIntoOneWaitingPass) {
    std::vector<std::function<void()>> posted;
    Router router(*store_, presence_, notes_, events_, clock_,
                  [&posted](std::function<void()> pass) { posted.push_back(std::move(pass)); });
    auto agent = add_agent("solo", 2);
    core::Conversation changed;
    changed.workspace_id = workspace_.id;
    for (int i = 0; i < 5; ++i) router.conversation_changed(changed);
    ASSERT_EQ(posted.size(), 1u) << "one pass for a burst of events";
    arrive("x");
    posted[0]();
    EXPECT_EQ(store_->count_open_chats(workspace_.id).at(agent.id), 1);
    router.conversation_changed(changed);
    EXPECT_EQ(posted.size(), 2u) << "a change after the pass started asks again";
}

}  // namespace
}  // namespace juttu::services
