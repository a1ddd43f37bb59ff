#include "store/sqlite/sqlite_db.hpp"

#include <sqlite3.h>

#include <climits>
#include <utility>

#include "core/search_text.hpp"
#include "store/sqlite/wal_write_buffer.hpp"

namespace juttu::store::sqlite {

namespace {

int checked_size(std::string_view text) {
    if (text.size() > static_cast<std::size_t>(INT_MAX)) {
        throw SqliteError("sqlite: value too large", SQLITE_TOOBIG);
    }
    return static_cast<int>(text.size());
}

// sqlite binds NULL for a null pointer, and an empty string_view may have one.
const char* non_null_data(std::string_view text) { return text.data() ? text.data() : ""; }

// juttu_search_terms(text): the terms a text is indexed under (core/search_text.hpp), for
// the search index's triggers (migration 12). NULL gives ''.
void search_terms_function(sqlite3_context* context, int, sqlite3_value** arguments) {
    const auto* text = sqlite3_value_text(arguments[0]);
    const int size = sqlite3_value_bytes(arguments[0]);
    std::string terms =
        text == nullptr ? std::string()
                        : core::search::index_terms(std::string_view(
                              reinterpret_cast<const char*>(text), static_cast<std::size_t>(size)));
    sqlite3_result_text(context, terms.data(), static_cast<int>(terms.size()), SQLITE_TRANSIENT);
}

}  // namespace

// --- Statement ---

Statement::Statement(Database& db, sqlite3_stmt* stmt, bool* in_use)
    : db_(&db), stmt_(stmt), in_use_(in_use) {}

Statement::Statement(Statement&& other) noexcept
    : db_(other.db_),
      stmt_(std::exchange(other.stmt_, nullptr)),
      in_use_(std::exchange(other.in_use_, nullptr)) {}

Statement::~Statement() {
    if (stmt_ == nullptr) return;
    if (in_use_ != nullptr) {
        // Reset ends any read the statement still holds open; the return value only
        // repeats the last step's error, which was already reported.
        sqlite3_reset(stmt_);
        sqlite3_clear_bindings(stmt_);
        *in_use_ = false;
    } else {
        sqlite3_finalize(stmt_);
    }
}

Statement& Statement::bind(int index, std::int64_t value) {
    int rc = sqlite3_bind_int64(stmt_, index, value);
    if (rc != SQLITE_OK) db_->fail("bind", rc);
    return *this;
}

Statement& Statement::bind(int index, std::string_view text) {
    int rc =
        sqlite3_bind_text(stmt_, index, non_null_data(text), checked_size(text), SQLITE_TRANSIENT);
    if (rc != SQLITE_OK) db_->fail("bind", rc);
    return *this;
}

Statement& Statement::bind(int index, const std::optional<std::int64_t>& value) {
    return value ? bind(index, *value) : bind(index, std::nullopt);
}

Statement& Statement::bind(int index, std::nullopt_t) {
    int rc = sqlite3_bind_null(stmt_, index);
    if (rc != SQLITE_OK) db_->fail("bind", rc);
    return *this;
}

Statement& Statement::bind_blob(int index, std::string_view bytes) {
    int rc = sqlite3_bind_blob(stmt_, index, non_null_data(bytes), checked_size(bytes),
                               SQLITE_TRANSIENT);
    if (rc != SQLITE_OK) db_->fail("bind", rc);
    return *this;
}

bool Statement::step() {
    int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    db_->fail("step", rc);
}

void Statement::run() {
    while (step()) {
    }
}

bool Statement::column_is_null(int column) const {
    return sqlite3_column_type(stmt_, column) == SQLITE_NULL;
}

std::int64_t Statement::column_int64(int column) const {
    return sqlite3_column_int64(stmt_, column);
}

std::optional<std::int64_t> Statement::column_optional_int64(int column) const {
    if (column_is_null(column)) return std::nullopt;
    return column_int64(column);
}

std::string Statement::column_text(int column) const {
    const unsigned char* text = sqlite3_column_text(stmt_, column);
    if (text == nullptr) return {};
    // The length must be read after the conversion to text.
    int size = sqlite3_column_bytes(stmt_, column);
    return std::string(reinterpret_cast<const char*>(text), static_cast<std::size_t>(size));
}

std::string Statement::column_blob(int column) const {
    const void* data = sqlite3_column_blob(stmt_, column);
    if (data == nullptr) return {};
    int size = sqlite3_column_bytes(stmt_, column);
    return std::string(static_cast<const char*>(data), static_cast<std::size_t>(size));
}

// --- Database ---

std::unique_ptr<Database> Database::open(const std::filesystem::path& file, Mode mode) {
    // Each connection is used by one thread at a time, so sqlite's own mutexes are
    // not needed.
    int flags = SQLITE_OPEN_NOMUTEX |
                (mode == Mode::read_only ? SQLITE_OPEN_READONLY
                                         : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
    sqlite3* raw = nullptr;
    const char* vfs = mode == Mode::writer ? wal_write_buffer_vfs() : nullptr;
    int rc = sqlite3_open_v2(file.c_str(), &raw, flags, vfs);
    if (rc != SQLITE_OK) {
        std::string message = "sqlite: open " + file.string() + ": " +
                              (raw != nullptr ? sqlite3_errmsg(raw) : sqlite3_errstr(rc));
        sqlite3_close_v2(raw);
        throw SqliteError(message, rc);
    }
    std::unique_ptr<Database> db(new Database(raw));
    sqlite3_extended_result_codes(raw, 1);
    // Set before the other PRAGMAs: journal_mode may need to wait for another connection.
    rc = sqlite3_busy_timeout(raw, 5000);
    if (rc != SQLITE_OK) db->fail("busy_timeout", rc);
    // On every connection: the search triggers call it on whichever one writes.
    rc = sqlite3_create_function(raw, "juttu_search_terms", 1,
                                 SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS, nullptr,
                                 search_terms_function, nullptr, nullptr);
    if (rc != SQLITE_OK) db->fail("create_function", rc);

    std::string journal_mode;
    {
        Statement journal = db->prepare("PRAGMA journal_mode=WAL");
        if (journal.step()) journal_mode = journal.column_text(0);
    }
    if (journal_mode != "wal") {
        throw SqliteError(
            "sqlite: " + file.string() + " cannot use WAL (journal_mode is '" + journal_mode + "')",
            SQLITE_ERROR);
    }
    db->exec("PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;");
    return db;
}

Database::~Database() {
    for (auto& [sql, cached] : cache_) sqlite3_finalize(cached.stmt);
    // close_v2 defers the close if a statement outlived us instead of leaking.
    sqlite3_close_v2(db_);
}

void Database::exec(std::string_view sql) {
    std::string text(sql);
    char* error = nullptr;
    int rc = sqlite3_exec(db_, text.c_str(), nullptr, nullptr, &error);
    if (rc != SQLITE_OK) {
        std::string message = "sqlite: exec: ";
        message += error != nullptr ? error : sqlite3_errstr(rc);
        sqlite3_free(error);
        throw SqliteError(message, sqlite3_extended_errcode(db_));
    }
}

Statement Database::prepare(std::string_view sql) {
    auto [it, inserted] = cache_.try_emplace(std::string(sql));
    CachedStatement& cached = it->second;
    if (inserted) {
        int rc = sqlite3_prepare_v3(db_, it->first.data(), checked_size(it->first),
                                    SQLITE_PREPARE_PERSISTENT, &cached.stmt, nullptr);
        if (rc != SQLITE_OK || cached.stmt == nullptr) {
            cache_.erase(it);
            if (rc == SQLITE_OK)
                throw SqliteError("sqlite: prepare: empty statement", SQLITE_MISUSE);
            fail("prepare", rc);
        }
    }
    if (!cached.in_use) {
        cached.in_use = true;
        return Statement(*this, cached.stmt, &cached.in_use);
    }
    // The cached copy is busy (the same SQL nested inside its own loop): use a
    // private one that is finalised with the Statement.
    sqlite3_stmt* stmt = nullptr;
    int rc = sqlite3_prepare_v2(db_, sql.data(), checked_size(sql), &stmt, nullptr);
    if (rc != SQLITE_OK) fail("prepare", rc);
    return Statement(*this, stmt, nullptr);
}

std::int64_t Database::last_insert_rowid() const { return sqlite3_last_insert_rowid(db_); }

std::int64_t Database::changes() const { return sqlite3_changes64(db_); }

bool Database::autocommit() const { return sqlite3_get_autocommit(db_) != 0; }

void Database::fail(std::string_view context, int code) const {
    std::string message = "sqlite: ";
    message += context;
    message += ": ";
    message += sqlite3_errmsg(db_);
    throw SqliteError(message, code);
}

}  // namespace juttu::store::sqlite
