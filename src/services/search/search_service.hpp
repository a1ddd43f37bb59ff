// Search over a workspace's conversations (message text, the contact's name, e-mail and
// attribute values) and the contacts list. The words and their highlighting are
// core::search's; the store finds the rows. Thread-safe; blocking (store reads).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/result.hpp"
#include "core/search_text.hpp"
#include "store/store.hpp"

namespace juttu::services {

struct SearchMatch {
    core::Message message;
    std::vector<core::search::Segment> snippet;
};

struct SearchHit {
    core::Conversation conversation;
    core::Contact contact;             // without attributes
    std::vector<SearchMatch> matches;  // newest first; empty when only the contact matched
};

struct SearchPage {
    std::vector<SearchHit> items;
    bool has_more = false;
};

struct ContactPage {
    std::vector<core::Contact> items;
    bool has_more = false;
};

struct ContactRecord {
    core::Contact contact;
    std::vector<core::Conversation> conversations;  // every one, newest activity first
    std::vector<core::PageView> page_views;         // newest first
};

class Search {
public:
    explicit Search(store::Store& store);

    // `filter` holds the filters and the cursor; its text_match is set from `text`.
    // validation_failed when the text has no word to look for.
    core::Result<SearchPage> conversations(std::string_view text, store::ConversationFilter filter);
    // Without text: every contact. Newest seen first.
    core::Result<ContactPage> contacts(std::string_view text, store::ContactFilter filter);
    core::Result<ContactRecord> contact(core::Id workspace_id, core::Id contact_id);

    static constexpr int max_page = 100;
    static constexpr int matches_per_conversation = 3;
    // A contact's conversations listed at most (a contact with more is a script).
    static constexpr int max_contact_conversations = 1000;

private:
    std::vector<core::Contact> contacts_of(core::Id workspace_id,
                                           const std::vector<core::Conversation>& conversations);

    store::Store& store_;
};

}  // namespace juttu::services
