// The inbox query: a workspace's conversations, newest activity first, with the
// console's filters and a keyset cursor.
#pragma once

#include <vector>

#include "core/types.hpp"
#include "store/sqlite/sqlite_db.hpp"
#include "store/store.hpp"

namespace juttu::store::sqlite {

std::vector<core::Conversation> list_conversations_in(Database& db,
                                                      const ConversationFilter& filter);

// One status's counts for the inbox's tabs of an agent (a scan of the workspace's
// conversations of that status: few open and pending ones; closed ones are counted too).
ConversationCounts count_conversations_in(Database& db, Id workspace_id,
                                          core::ConversationStatus status, Id agent_id);

}  // namespace juttu::store::sqlite
