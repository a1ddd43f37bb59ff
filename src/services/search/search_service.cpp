#include "services/search/search_service.hpp"

#include <map>

namespace juttu::services {

using core::ErrorCode;
using core::fail;

namespace {

std::optional<core::Error> page_problem(int limit) {
    if (limit < 1 || limit > Search::max_page) {
        return fail(ErrorCode::validation_failed, "limit must be 1-100");
    }
    return std::nullopt;
}

}  // namespace

Search::Search(store::Store& store) : store_(store) {}

core::Result<SearchPage> Search::conversations(std::string_view text,
                                               store::ConversationFilter filter) {
    if (auto problem = page_problem(filter.limit)) return *problem;
    const auto query = core::search::parse_query(text);
    if (query.empty()) return fail(ErrorCode::validation_failed, "q must have a word to look for");
    filter.text_match = core::search::match_expression(query);
    const int limit = filter.limit;
    filter.limit = limit + 1;  // one more tells whether there is a next page
    auto conversations = store_.list_conversations(filter);
    SearchPage page;
    page.has_more = conversations.size() > static_cast<std::size_t>(limit);
    if (page.has_more) conversations.resize(static_cast<std::size_t>(limit));

    std::vector<core::Id> ids;
    for (const auto& conversation : conversations) ids.push_back(conversation.id);
    std::map<core::Id, std::vector<SearchMatch>> matches;
    for (auto& message : store_.matching_messages(filter.workspace_id, ids, filter.text_match,
                                                  matches_per_conversation)) {
        auto snippet = core::search::highlight(message.body, query);
        matches[message.conversation_id].push_back({std::move(message), std::move(snippet)});
    }
    auto contacts = contacts_of(filter.workspace_id, conversations);
    for (std::size_t i = 0; i < conversations.size(); ++i) {
        auto found = matches.find(conversations[i].id);
        page.items.push_back(
            {std::move(conversations[i]), std::move(contacts[i]),
             found == matches.end() ? std::vector<SearchMatch>{} : std::move(found->second)});
    }
    return page;
}

core::Result<ContactPage> Search::contacts(std::string_view text, store::ContactFilter filter) {
    if (auto problem = page_problem(filter.limit)) return *problem;
    if (!text.empty()) {
        const auto query = core::search::parse_query(text);
        if (query.empty()) {
            return fail(ErrorCode::validation_failed, "q must have a word to look for");
        }
        filter.text_match = core::search::match_expression(query);
    }
    const int limit = filter.limit;
    filter.limit = limit + 1;
    ContactPage page;
    page.items = store_.list_contacts(filter);
    page.has_more = page.items.size() > static_cast<std::size_t>(limit);
    if (page.has_more) page.items.resize(static_cast<std::size_t>(limit));
    return page;
}

core::Result<ContactRecord> Search::contact(core::Id workspace_id, core::Id contact_id) {
    auto contact = store_.find_contact(workspace_id, contact_id);
    if (!contact) return fail(ErrorCode::not_found, "no such contact");
    ContactRecord record{std::move(*contact), {}, {}};
    store::ConversationFilter filter;
    filter.workspace_id = workspace_id;
    filter.contact_id = contact_id;
    filter.limit = max_page;
    // Page by page, so that "every conversation" is every one (up to a bound).
    while (record.conversations.size() < static_cast<std::size_t>(max_contact_conversations)) {
        auto page = store_.list_conversations(filter);
        record.conversations.insert(record.conversations.end(), page.begin(), page.end());
        if (page.size() < static_cast<std::size_t>(max_page)) break;
        filter.before_updated_at = page.back().updated_at;
        filter.before_id = page.back().id;
    }
    record.page_views = store_.list_page_views(workspace_id, contact_id, 50);
    return record;
}

std::vector<core::Contact> Search::contacts_of(
    core::Id workspace_id, const std::vector<core::Conversation>& conversations) {
    std::map<core::Id, core::Contact> known;
    std::vector<core::Contact> contacts;
    for (const auto& conversation : conversations) {
        auto [slot, added] = known.try_emplace(conversation.contact_id);
        if (added) {
            slot->second = store_.find_contact(workspace_id, conversation.contact_id)
                               .value_or(core::Contact{});
            slot->second.attributes.clear();
        }
        contacts.push_back(slot->second);
    }
    return contacts;
}

}  // namespace juttu::services
