// Teams and their members.
#include "store/sqlite/rows.hpp"
#include "store/sqlite/sqlite_store.hpp"

namespace juttu::store::sqlite {

namespace {

const std::string team_columns = "t.id, t.workspace_id, t.name, t.created_at";

core::Team read_team(const Statement& row) {
    core::Team team;
    team.id = row.column_int64(0);
    team.workspace_id = row.column_int64(1);
    team.name = row.column_text(2);
    team.created_at = row.column_int64(3);
    return team;
}

// (team, agent) pairs of a workspace, ordered by team then agent.
std::vector<std::pair<Id, Id>> load_members(Database& db, Id workspace_id) {
    Statement query = db.prepare(
        "SELECT team_id, agent_id FROM team_members WHERE workspace_id = ? "
        "ORDER BY team_id, agent_id");
    query.bind(1, workspace_id);
    std::vector<std::pair<Id, Id>> members;
    while (query.step()) members.emplace_back(query.column_int64(0), query.column_int64(1));
    return members;
}

void fill_members(Database& db, Id workspace_id, std::vector<core::Team>& teams) {
    for (const auto& [team_id, agent_id] : load_members(db, workspace_id)) {
        for (auto& team : teams) {
            if (team.id == team_id) team.agent_ids.push_back(agent_id);
        }
    }
}

// Replaces the members; agents of other workspaces are left out by the join.
void write_members(Database& db, const core::Team& team) {
    db.prepare("DELETE FROM team_members WHERE team_id = ?").bind(1, team.id).run();
    for (const Id agent_id : team.agent_ids) {
        db.prepare(
              "INSERT OR IGNORE INTO team_members(workspace_id, team_id, agent_id) "
              "SELECT ?1, ?2, id FROM agents WHERE id = ?3 AND workspace_id = ?1")
            .bind_all(team.workspace_id, team.id, agent_id)
            .run();
    }
}

std::vector<core::Team> select_teams(Database& db, Id workspace_id, std::optional<Id> team_id) {
    static const std::string all =
        "SELECT " + team_columns + " FROM teams t WHERE t.workspace_id = ? ORDER BY t.name, t.id";
    static const std::string one =
        "SELECT " + team_columns + " FROM teams t WHERE t.workspace_id = ? AND t.id = ?";
    std::vector<core::Team> teams;
    {
        Statement query = db.prepare(team_id ? one : all);
        query.bind(1, workspace_id);
        if (team_id) query.bind(2, *team_id);
        while (query.step()) teams.push_back(read_team(query));
    }
    if (!teams.empty()) fill_members(db, workspace_id, teams);
    return teams;
}

}  // namespace

std::optional<core::Team> SqliteStore::create_team(const core::Team& team) {
    return writer_.run([&](Database& db) -> std::optional<core::Team> {
        try {
            db.prepare("INSERT INTO teams(workspace_id, name, created_at) VALUES (?, ?, ?)")
                .bind_all(team.workspace_id, team.name, team.created_at)
                .run();
        } catch (const SqliteError& error) {
            if (is_unique_violation(error)) return std::nullopt;
            throw;
        }
        core::Team created = team;
        created.id = db.last_insert_rowid();
        write_members(db, created);
        return select_teams(db, created.workspace_id, created.id).front();
    });
}

std::vector<core::Team> SqliteStore::list_teams(Id workspace_id) {
    auto db = read();
    return select_teams(*db, workspace_id, std::nullopt);
}

std::optional<core::Team> SqliteStore::find_team(Id workspace_id, Id team_id) {
    auto db = read();
    auto teams = select_teams(*db, workspace_id, team_id);
    if (teams.empty()) return std::nullopt;
    return teams.front();
}

bool SqliteStore::update_team(const core::Team& team) {
    return writer_.run([&](Database& db) {
        try {
            db.prepare("UPDATE teams SET name = ? WHERE id = ? AND workspace_id = ?")
                .bind_all(team.name, team.id, team.workspace_id)
                .run();
        } catch (const SqliteError& error) {
            if (is_unique_violation(error)) return false;
            throw;
        }
        if (db.changes() == 0) return false;
        write_members(db, team);
        return true;
    });
}

bool SqliteStore::delete_team(Id workspace_id, Id team_id) {
    return writer_.run([&](Database& db) {
        db.prepare("DELETE FROM teams WHERE id = ? AND workspace_id = ?")
            .bind_all(team_id, workspace_id)
            .run();
        return db.changes() > 0;
    });
}

void SqliteStore::load_team_ids(Database& db, Id workspace_id, std::vector<core::Agent>& agents) {
    for (const auto& [team_id, agent_id] : load_members(db, workspace_id)) {
        for (auto& agent : agents) {
            if (agent.id == agent_id) agent.team_ids.push_back(team_id);
        }
    }
}

}  // namespace juttu::store::sqlite
