// SessionWatch on a real SQLite store: sessions deleted through another Store on the same
// file (as `juttu admin password reset` does), expired or of a disabled agent are
// announced as revoked; live ones and unwatched ones are not.
#include "services/auth/session_watch.hpp"

#include <gtest/gtest.h>

#include <mutex>
#include <vector>

#include "store/sqlite/sqlite_store.hpp"
#include "temp_dir.hpp"
#include "test_support.hpp"

namespace juttu::services {
namespace {

using core::Id;
using testing::ManualClock;

struct Revocations final : EventSink {
    std::mutex mutex;
    std::vector<std::vector<Id>> calls;
    void sessions_revoked(const std::vector<Id>& ids) override {
        std::lock_guard lock(mutex);
        calls.push_back(ids);
    }
};

class SessionWatchTest : public ::testing::Test {
protected:
    void SetUp() override {
        auto workspace = store_->create_workspace("Watch", 1);
        core::Agent agent;
        agent.workspace_id = workspace.id;
        agent.email = "anna@example.com";
        agent.name = "Anna";
        agent_ = *store_->create_agent(agent, "hash");
    }

    Id session(const std::string& token, core::TimeMs expires_at = 1'000'000'000) {
        return store_->create_session(agent_.id, token, clock_.now_ms(), expires_at);
    }

    testing::TempDir dir_;
    std::unique_ptr<store::sqlite::SqliteStore> store_ =
        store::sqlite::SqliteStore::open(dir_.path() / "juttu.db");
    ManualClock clock_;
    Revocations events_;
    SessionWatch watch_{*store_, events_, clock_};
    core::Agent agent_;
};

TEST_F(SessionWatchTest, NothingWatchedNothingAnnounced) {
    EXPECT_TRUE(watch_.check().empty());
    EXPECT_TRUE(events_.calls.empty());
}

TEST_F(SessionWatchTest, LiveSessionsStayOpen) {
    watch_.watch(session("a"));
    watch_.watch(session("b"));
    EXPECT_TRUE(watch_.check().empty());
    EXPECT_TRUE(events_.calls.empty());
}

TEST_F(SessionWatchTest, SessionsDeletedByAnotherProcessAreRevoked) {
    const Id a = session("a");
    const Id b = session("b");
    const Id c = session("c");
    for (Id id : {a, b, c}) watch_.watch(id);
    // Another Store on the same file: what a second process sees and changes.
    auto other = store::sqlite::SqliteStore::open(dir_.path() / "juttu.db");
    ASSERT_TRUE(other->delete_session(c));
    ASSERT_TRUE(other->delete_session(a));

    EXPECT_EQ(watch_.check(), (std::vector<Id>{a, c}));
    ASSERT_EQ(events_.calls.size(), 1u);
    EXPECT_EQ(events_.calls[0], (std::vector<Id>{a, c}));
}

TEST_F(SessionWatchTest, ExpiredAndDisabledAreRevoked) {
    const Id soon = session("soon", clock_.now_ms() + 1'000);
    const Id later = session("later");
    watch_.watch(soon);
    watch_.watch(later);
    clock_.now += 1'000;
    EXPECT_EQ(watch_.check(), std::vector<Id>{soon});

    core::Agent disabled = agent_;
    disabled.disabled = true;
    ASSERT_TRUE(store_->update_agent(disabled));
    EXPECT_EQ(watch_.check(), (std::vector<Id>{soon, later}));
}

TEST_F(SessionWatchTest, WatchedUntilItsLastConnectionCloses) {
    const Id a = session("a");
    watch_.watch(a);
    watch_.watch(a);  // two tabs on one session
    watch_.unwatch(a);
    EXPECT_EQ(watch_.watched(), 1u);
    ASSERT_TRUE(store_->delete_session(a));
    EXPECT_EQ(watch_.check(), std::vector<Id>{a});

    watch_.unwatch(a);
    EXPECT_EQ(watch_.watched(), 0u);
    watch_.unwatch(a);  // more closes than hellos change nothing
    EXPECT_TRUE(watch_.check().empty());
    EXPECT_EQ(events_.calls.size(), 1u);
}

}  // namespace
}  // namespace juttu::services
