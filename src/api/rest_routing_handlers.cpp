// REST handlers for teams, internal notes, transfers and the queue.
#include "api/event_publisher.hpp"
#include "api/json_codec.hpp"
#include "api/rest_api.hpp"
#include "api/rest_replies.hpp"

namespace juttu::api {

namespace http = boost::beast::http;

using namespace replies;

namespace {

std::optional<services::TeamFields> team_fields(const json::object& body, bool creating,
                                                std::string& error) {
    FieldReader in(body);
    services::TeamFields fields;
    fields.name = in.line("name", creating, 1000);
    fields.agent_ids = in.integers("agent_ids", false, services::Teams::max_members);
    if (!in.ok()) {
        error = in.error();
        return std::nullopt;
    }
    return fields;
}

// The value as the API shows it.
constexpr auto as_json = [](const auto& value) { return to_json(value); };

}  // namespace

// --- teams ---

Reply RestApi::list_teams(Call& call) {
    return ok(json::object{{"items", to_json_array(deps_.teams.list(call.workspace()))}});
}

Reply RestApi::create_team(Call& call) {
    std::string error;
    auto fields = team_fields(call.body, true, error);
    if (!fields) return invalid(error);
    return reply_with(deps_.teams.create(call.workspace(), *fields), as_json,
                      http::status::created);
}

Reply RestApi::get_team(Call& call) {
    return reply_with(deps_.teams.get(call.workspace(), call.ids[0]), as_json);
}

Reply RestApi::update_team(Call& call) {
    std::string error;
    auto fields = team_fields(call.body, false, error);
    if (!fields) return invalid(error);
    return reply_with(deps_.teams.update(call.workspace(), call.ids[0], *fields), as_json);
}

Reply RestApi::delete_team(Call& call) {
    auto removed = deps_.teams.remove(call.workspace(), call.ids[0]);
    if (!removed.ok()) return error_reply(removed.error());
    return no_content();
}

// --- notes and transfers ---

Reply RestApi::list_notes(Call& call) {
    auto notes = deps_.notes.list(call.workspace(), call.ids[0]);
    if (!notes.ok()) return error_reply(notes.error());
    return ok(json::object{{"items", to_json_array(notes.value())}});
}

Reply RestApi::add_note(Call& call) {
    FieldReader in(call.body);
    auto body = in.text("body", true, 100'000);
    if (!in.ok()) return invalid(in.error());
    return reply_with(deps_.notes.add(call.agent(), call.ids[0], std::move(*body)), as_json,
                      http::status::created);
}

Reply RestApi::transfer_conversation(Call& call) {
    FieldReader in(call.body);
    services::TransferTarget target;
    target.agent_id = in.integer("agent_id", false, 1);
    target.team_id = in.integer("team_id", false, 1);
    auto note = in.text("note", false, 100'000);
    if (!in.ok()) return invalid(in.error());
    auto moved =
        deps_.router.transfer(call.agent(), call.ids[0], target, note.value_or(std::string()));
    if (!moved.ok()) return error_reply(moved.error());
    return ok(json::object{{"conversation", to_json(moved.value())}});
}

// --- the queue ---

Reply RestApi::list_queue(Call& call) {
    json::array items;
    for (const auto& entry : deps_.router.queue(call.workspace())) {
        auto row = to_json(entry.conversation);
        if (auto c = deps_.chat.find_contact(call.workspace(), entry.conversation.contact_id)) {
            row["contact"] = {{"id", c->id}, {"name", c->name}, {"email", c->email}};
        }
        const auto place = to_json(entry.place);
        row["position"] = place.at("position");
        row["estimated_wait_s"] = place.at("estimated_wait_s");
        items.emplace_back(std::move(row));
    }
    return ok(json::object{{"items", std::move(items)}});
}

}  // namespace juttu::api
