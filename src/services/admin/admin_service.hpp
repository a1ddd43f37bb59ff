// Workspaces, sites and agents: the records an admin manages, from the REST API or
// the `juttu admin` CLI. Every method is scoped to the workspace it is given; role
// checks belong to the caller (the CLI is trusted, the API checks the agent's role).
// Thread-safe; blocking.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/clock.hpp"
#include "core/result.hpp"
#include "services/events.hpp"
#include "store/store.hpp"

namespace juttu::services {

struct SiteFields {
    std::optional<std::string> name;
    std::optional<std::vector<std::string>> allowed_origins;
    std::optional<std::string> greeting;
    std::optional<std::string> offline_message;
    std::optional<std::vector<core::SiteTexts>> translations;  // replaces the whole list
    std::optional<std::string> color;
    std::optional<core::RoutingMode> routing;
    std::optional<core::BusinessHours> hours;
    std::optional<core::PrechatForm> prechat;
    std::optional<bool> require_verified_identity;  // true only with an identity secret
};

struct AgentFields {
    std::optional<std::string> email;
    std::optional<std::string> name;
    std::optional<std::string> password;
    std::optional<core::Role> role;
    std::optional<bool> disabled;
    std::optional<int> capacity;
    std::optional<std::vector<std::string>> languages;
};

class AdminService {
public:
    AdminService(store::Store& store, EventSink& events, const core::Clock& clock);

    core::Result<core::Workspace> create_workspace(std::string_view name);
    // A new workspace with `creator` (an admin of theirs) as its first admin; forbidden
    // when the server lets only its operator create workspaces.
    void set_admins_create_workspaces(bool allowed) { admins_create_workspaces_ = allowed; }
    bool admins_create_workspaces() const { return admins_create_workspaces_; }
    core::Result<store::Membership> create_workspace_for(const core::Agent& creator,
                                                         std::string_view name);
    core::Result<core::Workspace> find_workspace(std::string_view name);
    core::Result<core::Workspace> find_workspace_by_id(core::Id id);

    core::Result<core::Site> create_site(core::Id workspace_id, const SiteFields& fields);
    core::Result<core::Site> get_site(core::Id workspace_id, core::Id site_id);
    core::Result<core::Site> update_site(core::Id workspace_id, core::Id site_id,
                                         const SiteFields& fields);
    core::Result<core::Done> delete_site(core::Id workspace_id, core::Id site_id);
    core::Result<core::Site> find_site_by_key(std::string_view key);
    std::vector<core::Site> list_sites(core::Id workspace_id);
    // A site's identity secrets (identity_secrets.cpp): a new random one (conflict when the
    // site has two), the list with their values, and retiring one, which a site that
    // requires verified identity may not do to its last.
    core::Result<core::IdentitySecret> add_identity_secret(core::Id workspace_id, core::Id site_id);
    core::Result<std::vector<core::IdentitySecret>> identity_secrets(core::Id workspace_id,
                                                                     core::Id site_id);
    core::Result<core::Done> remove_identity_secret(core::Id workspace_id, core::Id site_id,
                                                    core::Id n);

    core::Result<core::Agent> create_agent(core::Id workspace_id, const AgentFields& fields);
    // Adds a person who already has a login (fields.email; no password: theirs stays) to
    // `adder`'s workspace, when `adder` is an admin of a workspace the person works in:
    // colleagues are shared, strangers are not reached. forbidden otherwise, conflict when
    // they are here already.
    core::Result<core::Agent> add_existing_person(const core::Agent& adder,
                                                  const AgentFields& fields);
    core::Result<core::Agent> get_agent(core::Id workspace_id, core::Id agent_id);
    // Disabling revokes every session of the agent; a new password, every session of its
    // account. The password of a person who also works in other workspaces is theirs to
    // change (a conflict here): one workspace's admin cannot take over the others.
    core::Result<core::Agent> update_agent(core::Id workspace_id, core::Id agent_id,
                                           const AgentFields& fields);
    core::Result<core::Done> delete_agent(core::Id workspace_id, core::Id agent_id);
    core::Result<core::Agent> reset_password(std::string_view email, std::string_view password);
    std::vector<core::Agent> list_agents(core::Id workspace_id);

    static std::string snippet(const core::Site& site, std::string_view public_url);
    static constexpr std::string_view default_color = "#2b6cb0";
    static constexpr std::string_view default_greeting = "Hi! How can we help you today?";
    static constexpr int max_capacity = 100;
    static constexpr std::size_t max_languages = 10;
    static constexpr std::size_t max_translations = 20;
    static constexpr std::size_t max_workspaces_per_person = 100;

private:
    void revoke_agent(const core::Agent& agent);
    // A new membership's own fields from `fields` (name required), checked; the rest of
    // `agent` (its e-mail or account) is the caller's.
    std::optional<core::Error> fill_membership(core::Agent& agent, const AgentFields& fields) const;
    void revoke_account(const core::Agent& agent);

    store::Store& store_;
    EventSink& events_;
    const core::Clock& clock_;
    bool admins_create_workspaces_ = true;
};

}  // namespace juttu::services
