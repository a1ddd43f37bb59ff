#include "services/admin/teams.hpp"

#include <algorithm>

#include "core/validation.hpp"

namespace juttu::services {

using core::ErrorCode;
using core::fail;

namespace {

core::Error no_team() { return fail(ErrorCode::not_found, "no such team"); }
core::Error name_taken() { return fail(ErrorCode::conflict, "a team with this name exists"); }

}  // namespace

Teams::Teams(store::Store& store, EventSink& events, const core::Clock& clock)
    : store_(store), events_(events), clock_(clock) {}

std::vector<core::Team> Teams::list(core::Id workspace_id) {
    return store_.list_teams(workspace_id);
}

core::Result<core::Team> Teams::get(core::Id workspace_id, core::Id team_id) {
    auto team = store_.find_team(workspace_id, team_id);
    if (!team) return no_team();
    return *team;
}

std::optional<core::Error> Teams::apply(core::Team& team, const TeamFields& fields) {
    if (fields.name) {
        if (auto problem = core::line_problem(*fields.name, core::limits::name_bytes)) {
            return fail(ErrorCode::validation_failed, "name " + *problem);
        }
        team.name = *fields.name;
    }
    if (fields.agent_ids) {
        if (fields.agent_ids->size() > max_members) {
            return fail(ErrorCode::validation_failed, "a team has at most 1000 members");
        }
        for (const auto agent_id : *fields.agent_ids) {
            if (!store_.find_agent(team.workspace_id, agent_id)) {
                return fail(ErrorCode::validation_failed,
                            "agent " + std::to_string(agent_id) + " is not in this workspace");
            }
        }
        team.agent_ids = *fields.agent_ids;
        std::sort(team.agent_ids.begin(), team.agent_ids.end());
        team.agent_ids.erase(std::unique(team.agent_ids.begin(), team.agent_ids.end()),
                             team.agent_ids.end());
    }
    return std::nullopt;
}

core::Result<core::Team> Teams::create(core::Id workspace_id, const TeamFields& fields) {
    if (!fields.name) return fail(ErrorCode::validation_failed, "name is required");
    core::Team team;
    team.workspace_id = workspace_id;
    if (auto error = apply(team, fields)) return *error;
    team.created_at = clock_.now_ms();
    auto created = store_.create_team(team);
    if (!created) return name_taken();
    announce_members(workspace_id, created->agent_ids);
    return *created;
}

core::Result<core::Team> Teams::update(core::Id workspace_id, core::Id team_id,
                                       const TeamFields& fields) {
    auto team = store_.find_team(workspace_id, team_id);
    if (!team) return no_team();
    auto affected = team->agent_ids;
    if (auto error = apply(*team, fields)) return *error;
    if (!store_.update_team(*team)) {
        return store_.find_team(workspace_id, team_id) ? name_taken() : no_team();
    }
    affected.insert(affected.end(), team->agent_ids.begin(), team->agent_ids.end());
    announce_members(workspace_id, std::move(affected));
    return get(workspace_id, team_id);
}

core::Result<core::Done> Teams::remove(core::Id workspace_id, core::Id team_id) {
    auto team = store_.find_team(workspace_id, team_id);
    if (!team || !store_.delete_team(workspace_id, team_id)) return no_team();
    announce_members(workspace_id, team->agent_ids);
    events_.routing_changed(workspace_id);  // the team's waiting chats are anyone's now
    return core::Done{};
}

void Teams::announce_members(core::Id workspace_id, std::vector<core::Id> agent_ids) {
    std::sort(agent_ids.begin(), agent_ids.end());
    agent_ids.erase(std::unique(agent_ids.begin(), agent_ids.end()), agent_ids.end());
    for (const auto agent_id : agent_ids) {
        if (auto agent = store_.find_agent(workspace_id, agent_id)) events_.agent_changed(*agent);
    }
}

}  // namespace juttu::services
