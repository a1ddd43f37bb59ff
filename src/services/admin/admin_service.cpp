#include "services/admin/admin_service.hpp"

#include <algorithm>
#include <cctype>

#include "core/time_zone.hpp"
#include "core/validation.hpp"
#include "services/auth/crypto.hpp"
#include "services/chat/chat_service.hpp"

namespace juttu::services {

using core::ErrorCode;
using core::fail;

namespace {

std::optional<core::Error> check_name(const std::string& name, std::string_view what) {
    if (auto problem = core::line_problem(name, core::limits::name_bytes)) {
        return fail(ErrorCode::validation_failed, std::string(what) + " " + *problem);
    }
    return std::nullopt;
}

std::optional<core::Error> hours_problem(const core::BusinessHours& hours) {
    if (auto problem = core::business_hours_problem(hours)) {
        return fail(ErrorCode::validation_failed, "hours: " + *problem);
    }
    if (!core::TimeZone::load(hours.time_zone).ok()) {
        return fail(ErrorCode::validation_failed,
                    "hours: unknown time zone '" + hours.time_zone.substr(0, 60) + "'");
    }
    return std::nullopt;
}

// A greeting or offline message: text of at most 1000 bytes.
std::optional<core::Error> site_text_problem(std::string_view what, const std::string& text) {
    if (text.size() > core::limits::greeting_bytes || !core::is_valid_utf8(text) ||
        !core::is_clean_text(text)) {
        return fail(ErrorCode::validation_failed,
                    std::string(what) + " must be at most 1000 bytes of text");
    }
    return std::nullopt;
}

std::optional<core::Error> translations_problem(const std::vector<core::SiteTexts>& translations) {
    if (translations.size() > AdminService::max_translations) {
        return fail(ErrorCode::validation_failed, "a site has at most 20 translations");
    }
    std::vector<std::string> seen;
    for (const auto& texts : translations) {
        const std::string tag(core::utf8_prefix(texts.language, 40));
        if (!core::is_valid_language_tag(texts.language)) {
            return fail(ErrorCode::validation_failed,
                        "translations: '" + tag + "' is not a language tag like sv or fi-FI");
        }
        std::string folded = tag;
        std::transform(folded.begin(), folded.end(), folded.begin(),
                       [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
        if (std::find(seen.begin(), seen.end(), folded) != seen.end()) {
            return fail(ErrorCode::validation_failed, "translations: '" + tag + "' is there twice");
        }
        seen.push_back(std::move(folded));
        for (const auto& [what, text] : {std::pair{"greeting", &texts.greeting},
                                         {"offline_message", &texts.offline_message}}) {
            if (auto problem = site_text_problem("translations: " + tag + " " + what, *text)) {
                return problem;
            }
        }
    }
    return std::nullopt;
}

// Applies the given site fields to `site`, validating each; an error changes nothing.
std::optional<core::Error> apply_site_fields(core::Site& site, const SiteFields& fields) {
    core::Site next = site;
    if (fields.name) {
        if (auto error = check_name(*fields.name, "name")) return error;
        next.name = *fields.name;
    }
    if (fields.allowed_origins) {
        if (fields.allowed_origins->size() > core::limits::origins_per_site) {
            return fail(ErrorCode::validation_failed, "a site has at most 50 allowed origins");
        }
        next.allowed_origins.clear();
        for (const auto& origin : *fields.allowed_origins) {
            auto normalized = core::normalize_origin(origin);
            if (!normalized) {
                return fail(ErrorCode::validation_failed,
                            "'" + std::string(core::utf8_prefix(origin, 100)) +
                                "' is not an origin like https://shop.example");
            }
            if (std::find(next.allowed_origins.begin(), next.allowed_origins.end(), *normalized) ==
                next.allowed_origins.end()) {
                next.allowed_origins.push_back(*normalized);
            }
        }
    }
    if (fields.greeting) {
        if (auto problem = site_text_problem("greeting", *fields.greeting)) return problem;
        next.greeting = *fields.greeting;
    }
    if (fields.offline_message) {
        if (auto problem = site_text_problem("offline_message", *fields.offline_message)) {
            return problem;
        }
        next.offline_message = *fields.offline_message;
    }
    if (fields.translations) {
        if (auto problem = translations_problem(*fields.translations)) return problem;
        next.translations = *fields.translations;
    }
    if (fields.color) {
        if (!core::is_valid_color(*fields.color)) {
            return fail(ErrorCode::validation_failed, "color must look like #2b6cb0");
        }
        next.color = *fields.color;
    }
    if (fields.routing) next.routing = *fields.routing;
    if (fields.hours) {
        if (auto problem = hours_problem(*fields.hours)) return problem;
        next.hours = *fields.hours;
    }
    if (fields.prechat) {
        // The answer is kept as a contact attribute named by the question.
        const auto& question = fields.prechat->question;
        if (!core::is_valid_utf8(question) ||
            core::utf8_length(question) > ChatService::max_attribute_key_chars) {
            return fail(ErrorCode::validation_failed,
                        "prechat question must be at most 64 characters of text");
        }
        next.prechat = *fields.prechat;
    }
    if (fields.require_verified_identity) {
        // Required with no secret, nobody could chat at all.
        if (*fields.require_verified_identity && next.identity_secrets.empty()) {
            return fail(ErrorCode::validation_failed,
                        "require_verified_identity needs an identity secret: create one first");
        }
        next.require_verified_identity = *fields.require_verified_identity;
    }
    site = std::move(next);
    return std::nullopt;
}

std::optional<core::Error> check_languages(const std::optional<std::vector<std::string>>& tags) {
    if (!tags) return std::nullopt;
    if (tags->size() > AdminService::max_languages) {
        return fail(ErrorCode::validation_failed, "an agent has at most 10 languages");
    }
    for (const auto& tag : *tags) {
        if (!core::is_valid_language_tag(tag)) {
            return fail(ErrorCode::validation_failed,
                        "'" + std::string(core::utf8_prefix(tag, 40)) +
                            "' is not a language tag like fi or en-GB");
        }
    }
    return std::nullopt;
}

std::optional<core::Error> check_capacity(const std::optional<int>& capacity) {
    if (capacity && (*capacity < 1 || *capacity > AdminService::max_capacity)) {
        return fail(ErrorCode::validation_failed, "capacity must be 1-100 open chats");
    }
    return std::nullopt;
}

core::Error not_found(std::string_view what) {
    return fail(ErrorCode::not_found, std::string("no such ") + std::string(what));
}

}  // namespace

AdminService::AdminService(store::Store& store, EventSink& events, const core::Clock& clock)
    : store_(store), events_(events), clock_(clock) {}

core::Result<core::Workspace> AdminService::create_workspace(std::string_view name) {
    const std::string text(name);
    if (auto error = check_name(text, "workspace name")) return *error;
    if (store_.find_workspace_by_name(text)) {
        return fail(ErrorCode::conflict, "a workspace with this name exists");
    }
    return store_.create_workspace(text, clock_.now_ms());
}

core::Result<store::Membership> AdminService::create_workspace_for(const core::Agent& creator,
                                                                   std::string_view name) {
    if (creator.role != core::Role::admin) {
        return fail(ErrorCode::forbidden, "only admins create workspaces");
    }
    if (!admins_create_workspaces_) {
        return fail(ErrorCode::forbidden,
                    "on this server, workspaces are created by its operator (juttu admin)");
    }
    const std::string text(name);
    if (auto error = check_name(text, "workspace name")) return *error;
    if (store_.list_memberships(creator.account_id).size() >= max_workspaces_per_person) {
        return fail(ErrorCode::conflict, "one person works in at most " +
                                             std::to_string(max_workspaces_per_person) +
                                             " workspaces");
    }
    auto made = store_.create_workspace_for(text, creator, clock_.now_ms());
    if (!made) return fail(ErrorCode::conflict, "a workspace with this name exists");
    events_.agent_changed(made->agent);
    return *made;
}

core::Result<core::Workspace> AdminService::find_workspace(std::string_view name) {
    auto workspace = store_.find_workspace_by_name(std::string(name));
    if (!workspace) return not_found("workspace");
    return *workspace;
}

core::Result<core::Workspace> AdminService::find_workspace_by_id(core::Id id) {
    auto workspace = store_.find_workspace(id);
    if (!workspace) return not_found("workspace");
    return *workspace;
}

core::Result<core::Site> AdminService::create_site(core::Id workspace_id,
                                                   const SiteFields& fields) {
    if (!fields.name) return fail(ErrorCode::validation_failed, "name is required");
    core::Site site;
    site.workspace_id = workspace_id;
    site.greeting = default_greeting;
    site.color = default_color;
    if (auto error = apply_site_fields(site, fields)) return *error;
    site.key = random_token("s_", 12);
    site.created_at = clock_.now_ms();
    return store_.create_site(site);
}

core::Result<core::Site> AdminService::get_site(core::Id workspace_id, core::Id site_id) {
    auto site = store_.find_site(workspace_id, site_id);
    if (!site) return not_found("site");
    return *site;
}

core::Result<core::Site> AdminService::update_site(core::Id workspace_id, core::Id site_id,
                                                   const SiteFields& fields) {
    auto site = store_.find_site(workspace_id, site_id);
    if (!site) return not_found("site");
    if (auto error = apply_site_fields(*site, fields)) return *error;
    if (!store_.update_site(*site)) return not_found("site");
    events_.site_changed(*site);
    return *site;
}

core::Result<core::Done> AdminService::delete_site(core::Id workspace_id, core::Id site_id) {
    if (!store_.delete_site(workspace_id, site_id)) return not_found("site");
    return core::Done{};
}

core::Result<core::Site> AdminService::find_site_by_key(std::string_view key) {
    auto site = store_.find_site_by_key(std::string(key));
    if (!site) return fail(ErrorCode::unknown_site, "no site has this key");
    return *site;
}

std::vector<core::Site> AdminService::list_sites(core::Id workspace_id) {
    return store_.list_sites(workspace_id);
}

core::Result<core::Agent> AdminService::create_agent(core::Id workspace_id,
                                                     const AgentFields& fields) {
    if (!fields.email || !fields.name || !fields.password) {
        return fail(ErrorCode::validation_failed, "email, name and password are required");
    }
    auto email = core::normalize_email(*fields.email);
    if (!email) return fail(ErrorCode::validation_failed, "email is not a valid address");
    if (auto problem = core::password_problem(*fields.password)) {
        return fail(ErrorCode::validation_failed, *problem);
    }
    core::Agent agent;
    agent.workspace_id = workspace_id;
    agent.email = *email;
    if (auto error = fill_membership(agent, fields)) return *error;
    auto created = store_.create_agent(agent, hash_password(*fields.password));
    if (!created) return fail(ErrorCode::conflict, "an agent with this email exists");
    events_.agent_changed(*created);
    return *created;
}

core::Result<core::Agent> AdminService::add_existing_person(const core::Agent& adder,
                                                            const AgentFields& fields) {
    auto email = fields.email ? core::normalize_email(*fields.email) : std::nullopt;
    if (!email) return fail(ErrorCode::validation_failed, "email is not a valid address");
    auto person = store_.find_agent_by_email(*email);
    if (!person) {
        return fail(ErrorCode::validation_failed, "password is required for a new agent");
    }
    std::vector<core::Id> administered;
    for (const auto& membership : store_.list_memberships(adder.account_id)) {
        const auto& me = membership.agent;
        if (me.role == core::Role::admin && !me.disabled) administered.push_back(me.workspace_id);
    }
    const auto theirs = store_.list_memberships(person->agent.account_id);
    const bool colleague = std::any_of(theirs.begin(), theirs.end(), [&](const auto& m) {
        return std::find(administered.begin(), administered.end(), m.workspace.id) !=
               administered.end();
    });
    if (!colleague) {
        return fail(ErrorCode::forbidden,
                    "this e-mail has a login, but not in a workspace you administer: give a "
                    "password to create a new agent with another e-mail");
    }
    core::Agent agent = person->agent;  // their languages and capacity, unless given
    agent.workspace_id = adder.workspace_id;
    if (auto error = fill_membership(agent, fields)) return *error;
    auto added = store_.add_membership(agent);
    if (!added)
        return fail(ErrorCode::conflict, "this person is an agent of this workspace already");
    events_.agent_changed(*added);
    return *added;
}

std::optional<core::Error> AdminService::fill_membership(core::Agent& agent,
                                                         const AgentFields& fields) const {
    if (!fields.name) return fail(ErrorCode::validation_failed, "name is required");
    if (auto error = check_name(*fields.name, "name")) return *error;
    if (auto error = check_capacity(fields.capacity)) return *error;
    if (auto error = check_languages(fields.languages)) return *error;
    agent.name = *fields.name;
    agent.role = fields.role.value_or(core::Role::agent);
    agent.disabled = fields.disabled.value_or(false);
    agent.capacity = fields.capacity.value_or(agent.capacity);
    agent.languages = fields.languages.value_or(agent.languages);
    agent.created_at = clock_.now_ms();
    return std::nullopt;
}

core::Result<core::Agent> AdminService::get_agent(core::Id workspace_id, core::Id agent_id) {
    auto agent = store_.find_agent(workspace_id, agent_id);
    if (!agent) return not_found("agent");
    return *agent;
}

core::Result<core::Agent> AdminService::update_agent(core::Id workspace_id, core::Id agent_id,
                                                     const AgentFields& fields) {
    auto agent = store_.find_agent(workspace_id, agent_id);
    if (!agent) return not_found("agent");
    if (fields.email) return fail(ErrorCode::validation_failed, "email cannot be changed");
    if (fields.name) {
        if (auto error = check_name(*fields.name, "name")) return *error;
        agent->name = *fields.name;
    }
    if (fields.password) {
        if (auto problem = core::password_problem(*fields.password)) {
            return fail(ErrorCode::validation_failed, *problem);
        }
        if (store_.list_memberships(agent->account_id).size() > 1) {
            return fail(ErrorCode::conflict,
                        "this person also works in other workspaces: they change their "
                        "password themselves, in Settings");
        }
    }
    if (auto error = check_capacity(fields.capacity)) return *error;
    if (auto error = check_languages(fields.languages)) return *error;
    if (fields.capacity) agent->capacity = *fields.capacity;
    if (fields.languages) agent->languages = *fields.languages;
    if (fields.role) agent->role = *fields.role;
    if (fields.disabled) agent->disabled = *fields.disabled;
    if (!store_.update_agent(*agent)) return not_found("agent");
    if (fields.password) {
        store_.set_agent_password(workspace_id, agent_id, hash_password(*fields.password));
        revoke_account(*agent);
    }
    if (agent->disabled) revoke_agent(*agent);
    events_.agent_changed(*agent);
    return *agent;
}

core::Result<core::Done> AdminService::delete_agent(core::Id workspace_id, core::Id agent_id) {
    auto agent = store_.find_agent(workspace_id, agent_id);
    if (!agent) return not_found("agent");
    revoke_agent(*agent);
    if (!store_.delete_agent(workspace_id, agent_id)) return not_found("agent");
    events_.routing_changed(workspace_id);  // its chats went back to the queue
    return core::Done{};
}

core::Result<core::Agent> AdminService::reset_password(std::string_view email,
                                                       std::string_view password) {
    auto normalized = core::normalize_email(email);
    auto credentials = normalized ? store_.find_agent_by_email(*normalized) : std::nullopt;
    if (!credentials) return not_found("agent");
    if (auto problem = core::password_problem(password)) {
        return fail(ErrorCode::validation_failed, *problem);
    }
    const auto& agent = credentials->agent;
    store_.set_agent_password(agent.workspace_id, agent.id, hash_password(password));
    revoke_account(agent);
    return agent;
}

std::vector<core::Agent> AdminService::list_agents(core::Id workspace_id) {
    return store_.list_agents(workspace_id);
}

void AdminService::revoke_agent(const core::Agent& agent) {
    store_.delete_agent_sessions(agent.id, std::nullopt);
    events_.agent_revoked(agent.id);
}

void AdminService::revoke_account(const core::Agent& agent) {
    events_.sessions_revoked(store_.delete_account_sessions(agent.account_id, std::nullopt));
}

std::string AdminService::snippet(const core::Site& site, std::string_view public_url) {
    std::string base(public_url);
    while (!base.empty() && base.back() == '/') base.pop_back();
    return "<script src=\"" + base + "/widget.js\" data-site=\"" + site.key + "\" async></script>";
}

}  // namespace juttu::services
