// Files: the rows of uploads and their attachment to messages.
#include "store/sqlite/sqlite_files.hpp"

#include <algorithm>

#include "store/sqlite/rows.hpp"
#include "store/sqlite/sqlite_store.hpp"

namespace juttu::store::sqlite {

namespace {

const std::string file_columns =
    "f.id, f.workspace_id, f.uploader_kind, f.uploader_id, f.idempotency_key, "
    "f.conversation_id, f.message_id, f.name, f.size, f.type, f.image, f.width, f.height, "
    "f.blob_key, f.thumbnail_key, f.created_at";

std::optional<int> optional_int(const Statement& row, int column) {
    auto value = row.column_optional_int64(column);
    if (!value) return std::nullopt;
    return static_cast<int>(*value);
}

std::optional<std::int64_t> optional_int64(std::optional<int> value) {
    if (!value) return std::nullopt;
    return *value;
}

StoredFile read_file(const Statement& row) {
    StoredFile stored;
    stored.file.id = row.column_text(0);
    stored.workspace_id = row.column_int64(1);
    stored.uploader_kind = require(core::parse_author_kind(row.column_text(2)), "uploader kind");
    stored.uploader_id = row.column_int64(3);
    stored.idempotency_key = row.column_text(4);
    stored.conversation_id = row.column_optional_int64(5);
    stored.message_id = row.column_optional_int64(6);
    stored.file.name = row.column_text(7);
    stored.file.size = row.column_int64(8);
    stored.file.type = row.column_text(9);
    stored.file.image = row.column_int64(10) != 0;
    stored.file.width = optional_int(row, 11);
    stored.file.height = optional_int(row, 12);
    stored.blob_key = row.column_text(13);
    stored.thumbnail_key = row.column_text(14);
    stored.created_at = row.column_int64(15);
    return stored;
}

std::optional<StoredFile> load_uploaded(Database& db, Id workspace_id, core::AuthorKind kind,
                                        Id uploader_id, const std::string& key) {
    static const std::string sql = "SELECT " + file_columns +
                                   " FROM files f WHERE f.workspace_id = ? AND "
                                   "f.uploader_kind = ? AND f.uploader_id = ? AND "
                                   "f.idempotency_key = ?";
    Statement query = db.prepare(sql);
    query.bind_all(workspace_id, core::to_string(kind), uploader_id, key);
    if (!query.step()) return std::nullopt;
    return read_file(query);
}

}  // namespace

std::optional<std::string> attachment_problem(Database& db, const NewMessage& message) {
    const auto& ids = message.attachment_ids;
    for (std::size_t i = 0; i < ids.size(); ++i) {
        if (std::find(ids.begin(), ids.begin() + static_cast<std::ptrdiff_t>(i), ids[i]) !=
            ids.begin() + static_cast<std::ptrdiff_t>(i)) {
            return "attachment " + ids[i] + " is named twice";
        }
        Statement query = db.prepare(
            "SELECT message_id IS NULL FROM files WHERE id = ? AND workspace_id = ? AND "
            "uploader_kind = ? AND uploader_id IS ?");
        query.bind_all(ids[i], message.workspace_id, core::to_string(message.author_kind),
                       message.author_id);
        if (!query.step()) return "unknown attachment " + ids[i];
        if (query.column_int64(0) == 0) return "attachment " + ids[i] + " is already sent";
    }
    return std::nullopt;
}

void attach_files(Database& db, const NewMessage& message, const core::Message& stored) {
    for (const auto& id : message.attachment_ids) {
        db.prepare(
              "UPDATE files SET message_id = ?, conversation_id = ? WHERE id = ? AND "
              "workspace_id = ? AND message_id IS NULL")
            .bind_all(stored.id, stored.conversation_id, id, message.workspace_id)
            .run();
        if (db.changes() != 1) throw StoreError("sqlite: attachment " + id + " was taken");
    }
}

void load_attachments(Database& db, std::vector<core::Message>& messages) {
    if (messages.empty()) return;
    // One query per page: the files of the conversation's messages in the page's id range.
    const auto [low, high] = std::minmax_element(
        messages.begin(), messages.end(),
        [](const core::Message& a, const core::Message& b) { return a.id < b.id; });
    static const std::string sql = "SELECT " + file_columns +
                                   " FROM files f WHERE f.conversation_id = ? AND "
                                   "f.message_id BETWEEN ? AND ? ORDER BY f.rowid";
    Statement query = db.prepare(sql);
    query.bind_all(messages.front().conversation_id, low->id, high->id);
    while (query.step()) {
        StoredFile stored = read_file(query);
        for (auto& message : messages) {
            if (stored.message_id && message.id == *stored.message_id) {
                message.attachments.push_back(std::move(stored.file));
                break;
            }
        }
    }
}

FileCreation SqliteStore::create_file(const StoredFile& file) {
    return writer_.run([&](Database& db) {
        db.prepare(
              "INSERT INTO files(id, workspace_id, uploader_kind, uploader_id, idempotency_key, "
              "name, size, type, image, width, height, blob_key, thumbnail_key, created_at) "
              "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
              "ON CONFLICT (workspace_id, uploader_kind, uploader_id, idempotency_key) "
              "DO NOTHING")
            .bind_all(file.file.id, file.workspace_id, core::to_string(file.uploader_kind),
                      file.uploader_id, file.idempotency_key, file.file.name, file.file.size,
                      file.file.type, std::int64_t{file.file.image ? 1 : 0},
                      optional_int64(file.file.width), optional_int64(file.file.height),
                      file.blob_key, file.thumbnail_key, file.created_at)
            .run();
        if (db.changes() == 1) return FileCreation{file, true};
        auto earlier = load_uploaded(db, file.workspace_id, file.uploader_kind, file.uploader_id,
                                     file.idempotency_key);
        return FileCreation{require(std::move(earlier), "file"), false};
    });
}

std::optional<StoredFile> SqliteStore::find_file(Id workspace_id, const std::string& file_id) {
    static const std::string sql =
        "SELECT " + file_columns + " FROM files f WHERE f.id = ? AND f.workspace_id = ?";
    auto db = read();
    Statement query = db->prepare(sql);
    query.bind_all(file_id, workspace_id);
    if (!query.step()) return std::nullopt;
    return read_file(query);
}

std::optional<StoredFile> SqliteStore::find_uploaded_file(Id workspace_id,
                                                          core::AuthorKind uploader_kind,
                                                          Id uploader_id,
                                                          const std::string& idempotency_key) {
    auto db = read();
    return load_uploaded(*db, workspace_id, uploader_kind, uploader_id, idempotency_key);
}

std::vector<StoredFile> SqliteStore::delete_unattached_files(TimeMs before, int limit) {
    static const std::string sql = "SELECT " + file_columns +
                                   " FROM files f WHERE f.message_id IS NULL AND "
                                   "f.created_at < ? ORDER BY f.created_at LIMIT ?";
    return writer_.run([&](Database& db) {
        std::vector<StoredFile> gone;
        {
            Statement query = db.prepare(sql);
            query.bind_all(before, std::int64_t{limit});
            while (query.step()) gone.push_back(read_file(query));
        }
        for (const auto& file : gone) {
            db.prepare("DELETE FROM files WHERE id = ? AND message_id IS NULL")
                .bind(1, file.file.id)
                .run();
        }
        return gone;
    });
}

std::vector<std::string> SqliteStore::missing_files(const std::vector<std::string>& file_ids) {
    std::vector<std::string> missing;
    auto db = read();
    for (const auto& id : file_ids) {
        Statement query = db->prepare("SELECT 1 FROM files WHERE id = ?");
        query.bind(1, id);
        if (!query.step()) missing.push_back(id);
    }
    return missing;
}

}  // namespace juttu::store::sqlite
