#include "api/query_params.hpp"

#include <charconv>

namespace juttu::api {

std::optional<std::string> query_value(const boost::urls::params_view& query,
                                       std::string_view key) {
    auto it = query.find(key);
    if (it == query.end()) return std::nullopt;
    return std::string((*it).value);
}

std::optional<std::int64_t> query_integer(const boost::urls::params_view& query,
                                          std::string_view key, bool& bad) {
    auto text = query_value(query, key);
    if (!text) return std::nullopt;
    std::int64_t value = 0;
    auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), value);
    if (ec != std::errc() || end != text->data() + text->size() || value < 0) {
        bad = true;
        return std::nullopt;
    }
    return value;
}

std::optional<std::pair<std::int64_t, std::int64_t>> parse_cursor(const std::string& cursor) {
    const auto dot = cursor.find('.');
    if (dot == std::string::npos) return std::nullopt;
    std::int64_t at = 0;
    std::int64_t id = 0;
    auto first = std::from_chars(cursor.data(), cursor.data() + dot, at);
    auto second = std::from_chars(cursor.data() + dot + 1, cursor.data() + cursor.size(), id);
    if (first.ec != std::errc() || first.ptr != cursor.data() + dot || second.ec != std::errc() ||
        second.ptr != cursor.data() + cursor.size()) {
        return std::nullopt;
    }
    return std::pair{at, id};
}

std::optional<std::string> read_conversation_filter(const boost::urls::params_view& query,
                                                    core::Id caller,
                                                    store::ConversationFilter& filter) {
    bool bad = false;
    if (auto status = query_value(query, "status")) {
        filter.status = core::parse_status(*status);
        if (!filter.status) return "status must be open, pending or closed";
    }
    if (auto assignee = query_value(query, "assignee")) {
        if (*assignee == "me") {
            filter.assignee = store::ConversationFilter::Assignee::agent;
            filter.assignee_id = caller;
        } else if (*assignee == "none") {
            filter.assignee = store::ConversationFilter::Assignee::unassigned;
        } else if (*assignee == "me_or_none") {
            filter.assignee = store::ConversationFilter::Assignee::agent_or_unassigned;
            filter.assignee_id = caller;
        } else if (auto id = query_integer(query, "assignee", bad); id && !bad) {
            filter.assignee = store::ConversationFilter::Assignee::agent;
            filter.assignee_id = *id;
        } else {
            return "assignee must be me, none, me_or_none or an agent id";
        }
    }
    filter.site_id = query_integer(query, "site", bad);
    filter.team_id = query_integer(query, "team", bad);
    filter.limit = static_cast<int>(query_integer(query, "limit", bad).value_or(50));
    if (bad) return "site, team and limit must be non-negative integers";
    if (auto channel = query_value(query, "channel")) {
        filter.channel = core::parse_channel(*channel);
        if (!filter.channel) return "channel must be chat or offline";
    }
    if (auto missed = query_value(query, "missed")) {
        if (*missed != "true" && *missed != "false") return "missed must be true or false";
        filter.missed = *missed == "true";
    }
    if (auto text = query_value(query, "cursor")) {
        auto cursor = parse_cursor(*text);
        if (!cursor) return "cursor is malformed";
        filter.before_updated_at = cursor->first;
        filter.before_id = cursor->second;
    }
    return std::nullopt;
}

}  // namespace juttu::api
