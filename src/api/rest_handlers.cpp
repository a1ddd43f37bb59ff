// The REST handlers: parse the call, invoke a service, serialise its answer.
#include <algorithm>
#include <boost/beast/http/field.hpp>
#include <charconv>

#include "api/json_codec.hpp"
#include "api/query_params.hpp"
#include "api/rest_api.hpp"
#include "api/rest_replies.hpp"
#include "api/site_codec.hpp"
#include "core/validation.hpp"

namespace juttu::api {

namespace http = boost::beast::http;

using namespace replies;

namespace {

std::optional<services::SiteFields> site_fields(const json::object& body, bool creating,
                                                std::string& error) {
    FieldReader in(body);
    services::SiteFields fields;
    fields.name = in.line("name", creating, 1000);
    fields.allowed_origins = in.texts("allowed_origins", false, 100);
    fields.greeting = in.text("greeting", false, 10'000);
    fields.offline_message = in.text("offline_message", false, 10'000);
    fields.color = in.line("color", false, 100);
    fields.require_verified_identity = in.boolean("require_verified_identity", false);
    auto routing = in.line("routing", false, 20);
    const auto* hours = in.object("hours", false);
    const auto* prechat = in.object("prechat", false);
    const json::value* translations = body.if_contains("translations");
    if (!in.ok()) {
        error = in.error();
        return std::nullopt;
    }
    if (translations && !(fields.translations = read_translations(*translations, error))) {
        return std::nullopt;
    }
    if (routing) {
        fields.routing = core::parse_routing_mode(*routing);
        if (!fields.routing) {
            error = "field 'routing' must be \"auto\" or \"manual\"";
            return std::nullopt;
        }
    }
    if (hours && !(fields.hours = read_hours(*hours, error))) return std::nullopt;
    if (prechat && !(fields.prechat = read_prechat(*prechat, error))) return std::nullopt;
    return fields;
}

std::optional<services::AgentFields> agent_fields(const json::object& body, bool creating,
                                                  std::string& error) {
    FieldReader in(body);
    services::AgentFields fields;
    fields.email = in.line("email", creating, 1000);
    fields.name = in.line("name", creating, 1000);
    fields.password = in.text("password", false, 1000);  // none: a colleague with a login
    auto role = in.line("role", false, 20);
    fields.disabled = in.boolean("disabled", false);
    if (auto capacity = in.integer("capacity", false, 1, services::AdminService::max_capacity)) {
        fields.capacity = static_cast<int>(*capacity);
    }
    fields.languages = in.texts("languages", false, services::AdminService::max_languages);
    if (!in.ok()) {
        error = in.error();
        return std::nullopt;
    }
    if (role) {
        fields.role = core::parse_role(*role);
        if (!fields.role) {
            error = "field 'role' must be \"admin\" or \"agent\"";
            return std::nullopt;
        }
    }
    return fields;
}

json::object site_json(const core::Site& site) { return to_json(site); }
json::object canned_json(const core::CannedResponse& response) { return to_json(response); }

std::optional<services::CannedFields> canned_fields(const json::object& body, bool creating,
                                                    std::string& error) {
    FieldReader in(body);
    services::CannedFields fields;
    fields.shortcut = in.line("shortcut", creating, 1000);
    fields.title = in.line("title", false, 1000);
    fields.body = in.text("body", creating, 100'000);
    fields.team_id = in.nullable_integer("team_id", false);
    fields.language = in.line("language", false, 35);
    if (!in.ok()) {
        error = in.error();
        return std::nullopt;
    }
    return fields;
}
json::object conversation_reply(const core::Conversation& conversation) {
    return {{"conversation", to_json(conversation)}};
}

json::object login_json(const services::LoginResult& r) {
    return {{"token", r.token}, {"expires_at", r.expires_at}, {"agent", to_json(r.agent)}};
}

// A workspace as the person sees it: with their role and name there.
json::object membership_json(const store::Membership& membership) {
    auto item = to_json(membership.workspace);
    item["role"] = core::to_string(membership.agent.role);
    item["agent_id"] = membership.agent.id;
    return item;
}

}  // namespace

// --- authentication ---

Reply RestApi::login(Call& call) {
    FieldReader in(call.body);
    auto email = in.line("email", true, 1000);
    auto password = in.text("password", true, 1000);
    auto workspace = in.integer("workspace_id", false, 1);
    if (!in.ok()) return invalid(in.error());
    // Failed attempts count against the address and the account named (known or not, so
    // the limit tells nothing of which accounts exist); a success gives its tokens back.
    using services::LimitKind;
    const auto address = net::limit_key(call.client_address());
    const auto account = core::normalize_email(*email).value_or(*email);
    if (auto refused = deps_.limits.take_both(LimitKind::login_per_address, address,
                                              LimitKind::login_per_account, account)) {
        return error_reply(*refused);
    }
    auto result = deps_.auth.login(*email, *password, workspace);
    if (result.ok()) {
        deps_.limits.refund_both(LimitKind::login_per_address, address,
                                 LimitKind::login_per_account, account);
    }
    return reply_with(result, login_json);
}

Reply RestApi::logout(Call& call) {
    deps_.auth.logout(*call.session);
    return no_content();
}

Reply RestApi::me(Call& call) {
    json::object workspace{{"id", call.workspace()}};
    if (auto found = deps_.admin.find_workspace_by_id(call.workspace()); found.ok()) {
        workspace = to_json(found.value());
    }
    // What the console offers: creating a workspace is for admins, where the server lets them.
    const bool may_create =
        call.agent().role == core::Role::admin && deps_.admin.admins_create_workspaces();
    return ok(json::object{{"agent", to_json(call.agent())},
                           {"workspace", std::move(workspace)},
                           {"may_create_workspaces", may_create}});
}

Reply RestApi::my_workspaces(Call& call) {
    json::array items;
    for (const auto& membership : deps_.auth.workspaces(*call.session)) {
        items.push_back(membership_json(membership));
    }
    return ok(json::object{{"items", std::move(items)}});
}

Reply RestApi::switch_workspace(Call& call) {
    FieldReader in(call.body);
    auto workspace = in.integer("workspace_id", true, 1);
    if (!in.ok()) return invalid(in.error());
    return reply_with(deps_.auth.switch_workspace(*call.session, *workspace), login_json);
}

Reply RestApi::create_workspace(Call& call) {
    FieldReader in(call.body);
    auto name = in.line("name", true, 1000);
    if (!in.ok()) return invalid(in.error());
    auto made = deps_.admin.create_workspace_for(call.agent(), *name);
    if (!made.ok()) return error_reply(made.error());
    return created(membership_json(made.value()));
}

Reply RestApi::change_password(Call& call) {
    FieldReader in(call.body);
    auto current = in.text("current_password", true, 1000);
    auto next = in.text("new_password", true, 1000);
    if (!in.ok()) return invalid(in.error());
    // Wrong current passwords count against the agent: no guessing through this door.
    const auto agent = std::to_string(call.agent().id);
    using services::LimitKind;
    if (auto refused = deps_.limits.take(LimitKind::password_change_per_agent, agent)) {
        return error_reply(*refused);
    }
    auto changed = deps_.auth.change_password(*call.session, *current, *next);
    if (!changed.ok()) return error_reply(changed.error());
    deps_.limits.refund(LimitKind::password_change_per_agent, agent);
    return no_content();
}

// The demo page (/demo/, served by Juttu itself) needs the key of the site that the
// first start created. Site keys are public (every shop page embeds one); this only
// answers for the Demo workspace's "Demo shop", and only to a page on one of its origins.
Reply RestApi::demo_site(Call& call) {
    const auto host = call.request[http::field::host];
    auto workspace = deps_.admin.find_workspace("Demo");
    if (workspace.ok()) {
        for (const auto& site : deps_.admin.list_sites(workspace.value().id)) {
            if (site.name != "Demo shop") continue;
            const auto& origins = site.allowed_origins;
            const auto own = core::normalize_origin("http://" + std::string(host));
            if (own && std::find(origins.begin(), origins.end(), *own) != origins.end()) {
                return ok(json::object{{"key", site.key}});
            }
        }
    }
    return error_reply(http::status::not_found, "not_found", "no demo site for this host");
}

// --- conversations and contacts ---

Reply RestApi::list_conversations(Call& call) {
    store::ConversationFilter filter;
    filter.workspace_id = call.workspace();
    if (auto problem = read_conversation_filter(call.query, call.agent().id, filter)) {
        return invalid(*problem);
    }
    auto page = deps_.chat.list_conversations(filter, call.agent().id);
    return reply_with(std::move(page), [](const services::ConversationPage& p) {
        json::array items;
        for (const auto& item : p.items) {
            auto row = to_json(item.conversation);
            row["contact"] = {{"id", item.conversation.contact_id},
                              {"name", item.contact_name},
                              {"email", item.contact_email}};
            row["my_read_seq"] = item.my_read_seq;
            items.emplace_back(std::move(row));
        }
        json::value next = nullptr;
        if (p.has_more) {
            const auto& last = p.items.back().conversation;
            next = std::to_string(last.updated_at) + "." + std::to_string(last.id);
        }
        return json::object{{"items", std::move(items)}, {"next_cursor", std::move(next)}};
    });
}

// The inbox's tab counts; the console asks again after conversation events.
Reply RestApi::conversation_counts(Call& call) {
    auto status = core::ConversationStatus::open;
    if (auto text = query_value(call.query, "status")) {
        auto parsed = core::parse_status(*text);
        if (!parsed) return invalid("status must be open, pending or closed");
        status = *parsed;
    }
    const auto counts = deps_.chat.conversation_counts(call.workspace(), status, call.agent().id);
    return ok(json::object{{"me_or_none", counts.mine + counts.unassigned},
                           {"none", counts.unassigned},
                           {"me", counts.mine},
                           {"all", counts.all}});
}

Reply RestApi::get_conversation(Call& call) {
    return reply_with(deps_.chat.conversation_detail(call.workspace(), call.ids[0]),
                      [](const services::ConversationDetail& d) {
                          return json::object{{"conversation", to_json(d.conversation)},
                                              {"contact", to_json(d.contact)},
                                              {"read_marks", to_json_array(d.read_marks)}};
                      });
}

Reply RestApi::list_messages(Call& call) {
    bool bad = false;
    const auto after = query_integer(call.query, "after_seq", bad).value_or(0);
    auto before = query_integer(call.query, "before_seq", bad).value_or(0);
    const auto limit = query_integer(call.query, "limit", bad).value_or(50);
    if (bad || limit > services::ChatService::max_history_page) {
        return invalid("after_seq, before_seq must be non-negative integers; limit 1-500");
    }
    const auto reader = services::Participant::of(call.agent());
    // Without after_seq, the latest page (below before_seq when given).
    if (!query_value(call.query, "after_seq") && before == 0) before = INT64_MAX;
    return reply_with(
        deps_.chat.history(reader, call.ids[0], after, before, static_cast<int>(limit)),
        [](const services::History& h) {
            return json::object{{"items", to_json_array(h.messages)}, {"has_more", h.has_more}};
        });
}

Reply RestApi::close_conversation(Call& call) {
    return reply_with(
        deps_.chat.set_status(call.workspace(), call.ids[0], core::ConversationStatus::closed),
        conversation_reply);
}

Reply RestApi::reopen_conversation(Call& call) {
    return reply_with(
        deps_.chat.set_status(call.workspace(), call.ids[0], core::ConversationStatus::open),
        conversation_reply);
}

Reply RestApi::assign_conversation(Call& call) {
    FieldReader in(call.body);
    auto agent_id = in.nullable_integer("agent_id", true);
    if (!in.ok()) return invalid(in.error() + " (an agent id or null)");
    return reply_with(deps_.chat.assign(call.workspace(), call.ids[0], *agent_id),
                      conversation_reply);
}

Reply RestApi::take_conversation(Call& call) {
    return reply_with(deps_.chat.take(call.agent(), call.ids[0]), conversation_reply);
}

Reply RestApi::get_contact(Call& call) {
    return reply_with(deps_.search.contact(call.workspace(), call.ids[0]),
                      [](const services::ContactRecord& d) {
                          return json::object{{"contact", to_json(d.contact)},
                                              {"conversations", to_json_array(d.conversations)},
                                              {"page_views", to_json_array(d.page_views)}};
                      });
}

// --- sites ---

Reply RestApi::list_sites(Call& call) {
    return ok(json::object{{"items", to_json_array(deps_.admin.list_sites(call.workspace()))}});
}

Reply RestApi::create_site(Call& call) {
    std::string error;
    auto fields = site_fields(call.body, true, error);
    if (!fields) return invalid(error);
    auto site = deps_.admin.create_site(call.workspace(), *fields);
    if (!site.ok()) return error_reply(site.error());
    return created(to_json(site.value()));
}

Reply RestApi::get_site(Call& call) {
    return reply_with(deps_.admin.get_site(call.workspace(), call.ids[0]), site_json);
}

Reply RestApi::update_site(Call& call) {
    std::string error;
    auto fields = site_fields(call.body, false, error);
    if (!fields) return invalid(error);
    return reply_with(deps_.admin.update_site(call.workspace(), call.ids[0], *fields), site_json);
}

Reply RestApi::delete_site(Call& call) {
    auto deleted = deps_.admin.delete_site(call.workspace(), call.ids[0]);
    if (!deleted.ok()) return error_reply(deleted.error());
    return no_content();
}

Reply RestApi::site_snippet(Call& call) {
    return reply_with(deps_.admin.get_site(call.workspace(), call.ids[0]), [this](const core::Site&
                                                                                      site) {
        return json::object{{"snippet", services::AdminService::snippet(site, deps_.public_url)}};
    });
}

Reply RestApi::list_identity_secrets(Call& call) {
    auto secrets = deps_.admin.identity_secrets(call.workspace(), call.ids[0]);
    if (!secrets.ok()) return error_reply(secrets.error());
    return ok(json::object{{"items", to_json_array(secrets.value())}});
}

Reply RestApi::add_identity_secret(Call& call) {
    auto made = deps_.admin.add_identity_secret(call.workspace(), call.ids[0]);
    if (!made.ok()) return error_reply(made.error());
    return created(to_json(made.value()));
}

Reply RestApi::remove_identity_secret(Call& call) {
    auto retired = deps_.admin.remove_identity_secret(call.workspace(), call.ids[0], call.ids[1]);
    if (!retired.ok()) return error_reply(retired.error());
    return no_content();
}

// --- agents ---

// An agent as the API shows it: the stored record and its availability now.
json::object RestApi::agent_json(const core::Agent& agent) const {
    auto out = to_json(agent);
    out["availability"] = core::to_string(deps_.presence.availability(agent.id));
    return out;
}

Reply RestApi::list_agents(Call& call) {
    json::array items;
    for (const auto& agent : deps_.admin.list_agents(call.workspace())) {
        items.emplace_back(agent_json(agent));
    }
    return ok(json::object{{"items", std::move(items)}});
}

Reply RestApi::create_agent(Call& call) {
    std::string error;
    auto fields = agent_fields(call.body, true, error);
    if (!fields) return invalid(error);
    // Without a password: a colleague who already has a login joins this workspace.
    auto agent = fields->password ? deps_.admin.create_agent(call.workspace(), *fields)
                                  : deps_.admin.add_existing_person(call.agent(), *fields);
    if (!agent.ok()) return error_reply(agent.error());
    return created(agent_json(agent.value()));
}

Reply RestApi::get_agent(Call& call) {
    return reply_with(deps_.admin.get_agent(call.workspace(), call.ids[0]),
                      [this](const core::Agent& agent) { return agent_json(agent); });
}

Reply RestApi::update_agent(Call& call) {
    std::string error;
    auto fields = agent_fields(call.body, false, error);
    if (!fields) return invalid(error);
    return reply_with(deps_.admin.update_agent(call.workspace(), call.ids[0], *fields),
                      [this](const core::Agent& agent) { return agent_json(agent); });
}

Reply RestApi::delete_agent(Call& call) {
    if (call.ids[0] == call.agent().id) {
        return error_reply(http::status::conflict, "conflict", "you cannot remove yourself");
    }
    auto deleted = deps_.admin.delete_agent(call.workspace(), call.ids[0]);
    if (!deleted.ok()) return error_reply(deleted.error());
    return no_content();
}

// --- canned responses ---

Reply RestApi::list_canned(Call& call) {
    return ok(json::object{{"items", to_json_array(deps_.canned.list(call.agent()))}});
}

Reply RestApi::create_canned(Call& call) {
    std::string error;
    auto fields = canned_fields(call.body, true, error);
    if (!fields) return invalid(error);
    auto created = deps_.canned.create(call.workspace(), *fields);
    if (!created.ok()) return error_reply(created.error());
    return Reply{http::status::created, to_json(created.value())};
}

Reply RestApi::get_canned(Call& call) {
    return reply_with(deps_.canned.get(call.agent(), call.ids[0]), canned_json);
}

Reply RestApi::update_canned(Call& call) {
    std::string error;
    auto fields = canned_fields(call.body, false, error);
    if (!fields) return invalid(error);
    return reply_with(deps_.canned.update(call.workspace(), call.ids[0], *fields), canned_json);
}

Reply RestApi::delete_canned(Call& call) {
    auto removed = deps_.canned.remove(call.workspace(), call.ids[0]);
    if (!removed.ok()) return error_reply(removed.error());
    return no_content();
}

}  // namespace juttu::api
