// Query parameters of REST calls: values, integers, keyset cursors and the conversation
// filters that the listing and search share.
#pragma once

#include <boost/url/params_view.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "store/store.hpp"

namespace juttu::api {

std::optional<std::string> query_value(const boost::urls::params_view& query, std::string_view key);

// A non-negative integer query parameter; `bad` is set when present but malformed.
std::optional<std::int64_t> query_integer(const boost::urls::params_view& query,
                                          std::string_view key, bool& bad);

// A keyset cursor "TIME.ID" (the last item of the previous page); nullopt when malformed.
std::optional<std::pair<std::int64_t, std::int64_t>> parse_cursor(const std::string& cursor);

// status, assignee (me, none, ID), site, team, channel, missed, limit and cursor into
// `filter` (assignee=me is `caller`); the problem when one is malformed.
std::optional<std::string> read_conversation_filter(const boost::urls::params_view& query,
                                                    core::Id caller,
                                                    store::ConversationFilter& filter);

}  // namespace juttu::api
