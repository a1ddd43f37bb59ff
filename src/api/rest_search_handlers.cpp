// REST handlers for search and contacts (docs/api.md, "Search" and "Contacts").
#include "api/json_codec.hpp"
#include "api/query_params.hpp"
#include "api/rest_api.hpp"
#include "api/rest_replies.hpp"
#include "core/validation.hpp"

namespace juttu::api {

namespace http = boost::beast::http;

using namespace replies;

namespace {

json::array snippet_json(const std::vector<core::search::Segment>& snippet) {
    json::array segments;
    for (const auto& segment : snippet) {
        json::object piece{{"text", segment.text}};
        if (segment.marked) piece["mark"] = true;
        segments.emplace_back(std::move(piece));
    }
    return segments;
}

json::value cursor_after(bool has_more, std::int64_t at, core::Id id) {
    if (!has_more) return nullptr;
    return json::string(std::to_string(at) + "." + std::to_string(id));
}

json::object search_json(const services::SearchPage& page) {
    json::array items;
    for (const auto& hit : page.items) {
        json::array matches;
        for (const auto& match : hit.matches) {
            matches.emplace_back(
                json::object{{"message_id", match.message.id},
                             {"seq", match.message.seq},
                             {"author_kind", core::to_string(match.message.author_kind)},
                             {"author_name", match.message.author_name},
                             {"created_at", match.message.created_at},
                             {"snippet", snippet_json(match.snippet)}});
        }
        items.emplace_back(json::object{
            {"conversation", to_json(hit.conversation)},
            {"contact",
             {{"id", hit.contact.id}, {"name", hit.contact.name}, {"email", hit.contact.email}}},
            {"matches", std::move(matches)}});
    }
    const auto& last = page.items.empty() ? core::Conversation{} : page.items.back().conversation;
    return json::object{{"items", std::move(items)},
                        {"next_cursor", cursor_after(page.has_more, last.updated_at, last.id)}};
}

}  // namespace

Reply RestApi::search(Call& call) {
    store::ConversationFilter filter;
    filter.workspace_id = call.workspace();
    if (auto problem = read_conversation_filter(call.query, call.agent().id, filter)) {
        return invalid(*problem);
    }
    bool bad = false;
    filter.active_from = query_integer(call.query, "from", bad);
    filter.active_to = query_integer(call.query, "to", bad);
    if (bad) return invalid("from and to must be times in milliseconds");
    auto text = query_value(call.query, "q").value_or("");
    if (text.size() > core::search::max_query_bytes) return invalid("q is at most 200 bytes");
    if (auto refused = deps_.limits.take(services::LimitKind::searches_per_agent,
                                         std::to_string(call.agent().id))) {
        return error_reply(*refused);
    }
    return reply_with(deps_.search.conversations(text, std::move(filter)), search_json);
}

Reply RestApi::list_contacts(Call& call) {
    store::ContactFilter filter;
    filter.workspace_id = call.workspace();
    bool bad = false;
    filter.limit = static_cast<int>(query_integer(call.query, "limit", bad).value_or(50));
    if (bad) return invalid("limit must be 1-100");
    if (auto text = query_value(call.query, "cursor")) {
        auto cursor = parse_cursor(*text);
        if (!cursor) return invalid("cursor is malformed");
        filter.before_last_seen = cursor->first;
        filter.before_id = cursor->second;
    }
    auto text = query_value(call.query, "q").value_or("");
    if (text.size() > core::search::max_query_bytes) return invalid("q is at most 200 bytes");
    return reply_with(
        deps_.search.contacts(text, std::move(filter)), [](const services::ContactPage& page) {
            const auto& last = page.items.empty() ? core::Contact{} : page.items.back();
            return json::object{
                {"items", to_json_array(page.items)},
                {"next_cursor", cursor_after(page.has_more, last.last_seen, last.id)}};
        });
}

Reply RestApi::update_contact(Call& call) {
    FieldReader in(call.body);
    auto name = in.line("name", false, core::limits::name_bytes);
    auto email = in.line("email", false, 1000);
    if (!in.ok()) return invalid(in.error());
    if (!name && !email) return invalid("give name or email");
    return reply_with(
        deps_.chat.edit_contact(call.workspace(), call.ids[0], std::move(name), std::move(email)),
        [](const core::Contact& contact) { return to_json(contact); });
}

}  // namespace juttu::api
