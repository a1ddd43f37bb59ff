// SiteStatus on a real store: opening hours and agents online decide whether visitors can
// chat, and every change reaches the visitors already connected, whoever notices it first.
#include "services/routing/site_status.hpp"

#include <gtest/gtest.h>

#include <vector>

#include "store/sqlite/sqlite_store.hpp"
#include "temp_dir.hpp"
#include "test_support.hpp"

namespace juttu::services {
namespace {

using testing::ManualClock;
using Reason = SiteAvailability::Reason;

struct Recorder final : EventSink {
    std::vector<SiteAvailability> told;
    void site_availability_changed(const core::Site&, const SiteAvailability& now) override {
        told.push_back(now);
    }
};

// 2026-11-23 is a Monday; 08:00 UTC that day.
constexpr core::TimeMs monday_8am = 1'795'420'800'000;
constexpr core::TimeMs hour = 3'600'000;

class SiteStatusTest : public ::testing::Test {
protected:
    void SetUp() override {
        clock_.now = monday_8am;
        auto workspace = store_->create_workspace("Hours", 1);
        core::Site site;
        site.workspace_id = workspace.id;
        site.key = "hours-key";
        site.name = "Hours shop";
        site.hours.time_zone = "UTC";
        site.hours.always_open = false;
        site.hours.weekly[0] = {{9 * 60, 17 * 60}};  // Monday 09-17
        site_ = store_->create_site(site);
        core::Agent agent;
        agent.workspace_id = workspace.id;
        agent.email = "a@example.com";
        agent.name = "A";
        agent_ = *store_->create_agent(agent, "hash");
        presence_.connected(agent_);
    }

    ::juttu::testing::TempDir dir_;
    std::unique_ptr<store::sqlite::SqliteStore> store_ =
        store::sqlite::SqliteStore::open(dir_.path() / "juttu.db");
    ManualClock clock_;
    Recorder events_;
    Recorder presence_events_;
    Presence presence_{presence_events_, clock_, 60'000};
    SiteStatus status_{*store_, presence_, events_, clock_};
    core::Site site_;
    core::Agent agent_;
};

TEST_F(SiteStatusTest, OutsideHoursWithTheNextOpening) {
    const auto before = status_.availability(site_);
    EXPECT_FALSE(before.online);
    EXPECT_EQ(before.reason, Reason::outside_hours);
    EXPECT_EQ(before.next_opening_at, monday_8am + hour);
    clock_.now += hour;
    const auto open = status_.availability(site_);
    EXPECT_TRUE(open.online);
    EXPECT_EQ(open.reason, Reason::open);
}

TEST_F(SiteStatusTest, AnOpeningSeenFirstByANewVisitorIsToldToTheOthers) {
    EXPECT_FALSE(status_.availability(site_).online);  // visitor A, before nine
    EXPECT_TRUE(events_.told.empty());
    clock_.now += hour;                               // nine: the site opens
    EXPECT_TRUE(status_.availability(site_).online);  // visitor B, before any tick
    ASSERT_EQ(events_.told.size(), 1u);
    EXPECT_TRUE(events_.told[0].online);
    status_.tick();
    EXPECT_EQ(events_.told.size(), 1u) << "told once";
}

TEST_F(SiteStatusTest, NoAgentOnlineAndBackAreTold) {
    EXPECT_FALSE(status_.availability(site_).online);
    clock_.now += hour;
    status_.tick();
    ASSERT_EQ(events_.told.size(), 1u);
    presence_.choose(agent_, core::Availability::away);
    status_.availability_changed(site_.workspace_id, agent_.id, core::Availability::away);
    ASSERT_EQ(events_.told.size(), 2u);
    EXPECT_EQ(events_.told[1].reason, Reason::no_agents);
}

}  // namespace
}  // namespace juttu::services
