#include "services/chat/notes.hpp"

#include "core/validation.hpp"

namespace juttu::services {

using core::ErrorCode;
using core::fail;

Notes::Notes(store::Store& store, EventSink& events, const core::Clock& clock)
    : store_(store), events_(events), clock_(clock) {}

core::Result<core::Note> Notes::add(const core::Agent& author, core::Id conversation_id,
                                    std::string body) {
    if (auto problem = core::message_body_problem(body)) {
        return fail(ErrorCode::validation_failed, "note: " + *problem);
    }
    auto conversation = store_.find_conversation(author.workspace_id, conversation_id);
    if (!conversation) return fail(ErrorCode::not_found, "no such conversation");
    core::Note note;
    note.workspace_id = author.workspace_id;
    note.conversation_id = conversation_id;
    note.agent_id = author.id;
    note.author_name = author.name;
    note.body = std::move(body);
    note.created_at = clock_.now_ms();
    auto added = store_.add_note(note);
    if (!added) return fail(ErrorCode::not_found, "no such conversation");
    events_.note_added(*conversation, *added);
    return *added;
}

core::Result<std::vector<core::Note>> Notes::list(core::Id workspace_id, core::Id conversation_id) {
    if (!store_.find_conversation(workspace_id, conversation_id)) {
        return fail(ErrorCode::not_found, "no such conversation");
    }
    return store_.list_notes(workspace_id, conversation_id);
}

}  // namespace juttu::services
