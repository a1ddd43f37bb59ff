#include "core/routing.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <limits>
#include <map>
#include <random>
#include <vector>

namespace juttu::core {
namespace {

AgentLoad agent(Id id, int open_chats, int capacity, TimeMs last_assigned_at = 0,
                std::vector<Id> teams = {}, std::vector<std::string> languages = {}) {
    AgentLoad load;
    load.agent_id = id;
    load.availability = Availability::online;
    load.open_chats = open_chats;
    load.capacity = capacity;
    load.last_assigned_at = last_assigned_at;
    load.team_ids = std::move(teams);
    load.languages = std::move(languages);
    return load;
}

TEST(Routing, NobodyMeansQueue) {
    EXPECT_EQ(choose_agent({}, {}), std::nullopt);
    EXPECT_EQ(free_capacity({}, std::nullopt), 0);
}

TEST(Routing, OnlyOnlineAgentsWithRoom) {
    AgentLoad away = agent(1, 0, 4);
    away.availability = Availability::away;
    AgentLoad offline = agent(2, 0, 4);
    offline.availability = Availability::offline;
    const AgentLoad full = agent(3, 4, 4);
    const AgentLoad over = agent(4, 6, 4);  // capacity lowered below the open chats
    const AgentLoad no_capacity = agent(5, 0, 0);
    const std::vector<AgentLoad> nobody = {away, offline, full, over, no_capacity};
    EXPECT_EQ(choose_agent(nobody, {}), std::nullopt);
    EXPECT_EQ(free_capacity(nobody, std::nullopt), 0);

    std::vector<AgentLoad> one = nobody;
    one.push_back(agent(6, 3, 4));
    EXPECT_EQ(choose_agent(one, {}), 6);
    EXPECT_EQ(free_capacity(one, std::nullopt), 1);
}

TEST(Routing, MostFreeCapacityWins) {
    const std::vector<AgentLoad> agents = {agent(1, 2, 4), agent(2, 0, 2), agent(3, 1, 6),
                                           agent(4, 0, 3)};
    EXPECT_EQ(choose_agent(agents, {}), 3);  // 5 free
    EXPECT_EQ(free_capacity(agents, std::nullopt), 2 + 2 + 5 + 3);
}

TEST(Routing, TiesGoToTheAgentIdleLongestThenTheLowestId) {
    EXPECT_EQ(choose_agent({agent(1, 1, 4, 5000), agent(2, 1, 4, 3000), agent(3, 1, 4, 4000)}, {}),
              2);
    // Never assigned (0) counts as idle longest.
    EXPECT_EQ(choose_agent({agent(1, 1, 4, 5000), agent(2, 1, 4, 0)}, {}), 2);
    // All equal: the lowest id, whatever the order.
    std::vector<AgentLoad> agents = {agent(7, 0, 4, 100), agent(3, 0, 4, 100), agent(5, 0, 4, 100)};
    std::mt19937 random(42);
    for (int i = 0; i < 10; ++i) {
        std::shuffle(agents.begin(), agents.end(), random);
        EXPECT_EQ(choose_agent(agents, {}), 3);
    }
}

TEST(Routing, TeamIsARequirement) {
    const std::vector<AgentLoad> agents = {agent(1, 0, 4, 0, {10}), agent(2, 1, 4, 0, {20, 30}),
                                           agent(3, 0, 4, 0, {})};
    EXPECT_EQ(choose_agent(agents, {20, ""}), 2);
    EXPECT_EQ(choose_agent(agents, {10, ""}), 1);
    EXPECT_EQ(choose_agent(agents, {99, ""}), std::nullopt);
    EXPECT_EQ(choose_agent(agents, {std::nullopt, ""}), 1);  // any team: most free, lowest id
    EXPECT_EQ(free_capacity(agents, 20), 3);
    EXPECT_EQ(free_capacity(agents, 99), 0);
    EXPECT_EQ(free_capacity(agents, std::nullopt), 11);
}

TEST(Routing, LanguageIsAPreference) {
    const std::vector<AgentLoad> agents = {agent(1, 0, 4, 0, {}, {"en"}),
                                           agent(2, 3, 4, 0, {}, {"fi", "sv"}),
                                           agent(3, 2, 4, 0, {}, {"en-GB", "ET"})};
    EXPECT_EQ(choose_agent(agents, {std::nullopt, "fi-FI"}), 2);  // despite less free capacity
    EXPECT_EQ(choose_agent(agents, {std::nullopt, "FI"}), 2);     // case-insensitive
    EXPECT_EQ(choose_agent(agents, {std::nullopt, "sv_SE"}), 2);
    EXPECT_EQ(choose_agent(agents, {std::nullopt, "et"}), 3);
    EXPECT_EQ(choose_agent(agents, {std::nullopt, "en-US"}), 1);  // both speak it: most free
    EXPECT_EQ(choose_agent(agents, {std::nullopt, "de-DE"}), 1);  // nobody does: anyone
    EXPECT_EQ(choose_agent(agents, {std::nullopt, ""}), 1);
    EXPECT_EQ(choose_agent(agents, {std::nullopt, "-"}), 1);  // no primary subtag: unknown
    EXPECT_EQ(choose_agent(agents, {std::nullopt, "f"}), 1);  // a prefix is not a match
}

TEST(Routing, LanguageOnlyCountsAgentsWhoCanTakeTheChat) {
    AgentLoad finnish_full = agent(1, 4, 4, 0, {10}, {"fi"});
    AgentLoad finnish_away = agent(2, 0, 4, 0, {10}, {"fi"});
    finnish_away.availability = Availability::away;
    const AgentLoad finnish_other_team = agent(3, 0, 4, 0, {20}, {"fi"});
    const AgentLoad english = agent(4, 2, 4, 0, {10}, {"en"});
    const std::vector<AgentLoad> agents = {finnish_full, finnish_away, finnish_other_team, english};
    EXPECT_EQ(choose_agent(agents, {10, "fi"}), 4);
}

// Assigning one chat at a time, always to the choice, spreads chats evenly and never past
// anyone's capacity.
TEST(Routing, RepeatedAssignmentIsFairAndBounded) {
    std::vector<AgentLoad> agents = {agent(1, 0, 4), agent(2, 0, 4), agent(3, 0, 2)};
    std::map<Id, int> assigned;
    for (TimeMs now = 1; now <= 20; ++now) {
        const auto chosen = choose_agent(agents, {});
        if (!chosen) {
            EXPECT_EQ(free_capacity(agents, std::nullopt), 0);
            break;
        }
        auto it = std::find_if(agents.begin(), agents.end(),
                               [&](const AgentLoad& a) { return a.agent_id == *chosen; });
        ++it->open_chats;
        it->last_assigned_at = now;
        ++assigned[*chosen];
    }
    EXPECT_EQ(assigned[1], 4);
    EXPECT_EQ(assigned[2], 4);
    EXPECT_EQ(assigned[3], 2);
    for (const AgentLoad& a : agents) EXPECT_LE(a.open_chats, a.capacity);
}

TEST(Routing, FreeCapacitySaturates) {
    const int big = std::numeric_limits<int>::max();
    EXPECT_EQ(free_capacity({agent(1, 0, big), agent(2, 0, big)}, std::nullopt), big);
    EXPECT_EQ(choose_agent({agent(1, std::numeric_limits<int>::min(), big), agent(2, 0, big)}, {}),
              1);
}

}  // namespace
}  // namespace juttu::core
