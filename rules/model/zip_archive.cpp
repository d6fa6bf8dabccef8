#include "rules/model/zip_archive.hpp"

#include <zip.h>

#include <cstring>
#include <exception>

namespace gate::rules::model {

namespace {

// libzip source callback over RandomAccess: a read-only, seekable source.
struct SourceState {
  RandomAccess* access = nullptr;
  uint64_t offset = 0;
  zip_error_t error;
  // A failing blob read (not hostile bytes): rethrown once libzip returns, never a finding.
  std::exception_ptr* failure = nullptr;
};

zip_int64_t source_callback(void* user, void* data, zip_uint64_t length, zip_source_cmd_t cmd) {
  auto* state = static_cast<SourceState*>(user);
  switch (cmd) {
    case ZIP_SOURCE_OPEN:
      state->offset = 0;
      return 0;
    case ZIP_SOURCE_READ: {
      try {
        size_t got = state->access->read_at(state->offset, static_cast<char*>(data), length);
        state->offset += got;
        return static_cast<zip_int64_t>(got);
      } catch (const std::exception&) {
        if (state->failure && !*state->failure) *state->failure = std::current_exception();
        zip_error_set(&state->error, ZIP_ER_READ, EIO);
        return -1;
      }
    }
    case ZIP_SOURCE_CLOSE:
      return 0;
    case ZIP_SOURCE_STAT: {
      auto* st = static_cast<zip_stat_t*>(data);
      zip_stat_init(st);
      st->size = state->access->size();
      st->valid |= ZIP_STAT_SIZE;
      return sizeof(zip_stat_t);
    }
    case ZIP_SOURCE_ERROR:
      return zip_error_to_data(&state->error, data, length);
    case ZIP_SOURCE_FREE:
      zip_error_fini(&state->error);
      delete state;  // owned by libzip once the source is created
      return 0;
    case ZIP_SOURCE_SEEK: {
      zip_int64_t target = zip_source_seek_compute_offset(state->offset, state->access->size(),
                                                          data, length, &state->error);
      if (target < 0) return -1;
      state->offset = static_cast<uint64_t>(target);
      return 0;
    }
    case ZIP_SOURCE_TELL:
      return static_cast<zip_int64_t>(state->offset);
    case ZIP_SOURCE_SUPPORTS:
      return zip_source_make_command_bitmap(
          ZIP_SOURCE_OPEN, ZIP_SOURCE_READ, ZIP_SOURCE_CLOSE, ZIP_SOURCE_STAT, ZIP_SOURCE_ERROR,
          ZIP_SOURCE_FREE, ZIP_SOURCE_SEEK, ZIP_SOURCE_TELL, ZIP_SOURCE_SUPPORTS, -1);
    default:
      zip_error_set(&state->error, ZIP_ER_OPNOTSUPP, 0);
      return -1;
  }
}

struct FileCloser {
  void operator()(zip_file_t* file) const { zip_fclose(file); }
};

class MemberStream : public ByteStream {
 public:
  MemberStream(zip_file_t* file, uint64_t declared, uint64_t cap, std::string name,
               const std::exception_ptr& failure)
      : file_(file), declared_(declared), cap_(cap), name_(std::move(name)), failure_(failure) {}
  size_t read(char* buffer, size_t size) override {
    zip_int64_t got = zip_fread(file_.get(), buffer, size);
    if (failure_) std::rethrow_exception(failure_);
    if (got < 0) {
      throw ZipDataError("member '" + name_ +
                         "' is corrupt: " + zip_error_strerror(zip_file_get_error(file_.get())));
    }
    done_ += static_cast<uint64_t>(got);
    if (done_ > cap_) {
      throw ZipDataError("member '" + name_ + "' inflates beyond " + std::to_string(cap_) +
                         " bytes (zip bomb guard)");
    }
    return static_cast<size_t>(got);
  }
  uint64_t total_size() const override { return declared_; }

 private:
  std::unique_ptr<zip_file_t, FileCloser> file_;
  uint64_t declared_;
  uint64_t cap_;
  std::string name_;
  const std::exception_ptr& failure_;
  uint64_t done_ = 0;
};

}  // namespace

void ZipArchive::Closer::operator()(zip* archive) const { zip_discard(archive); }

ZipArchive::ZipArchive(zip* archive, std::unique_ptr<std::exception_ptr> failure)
    : failure_(std::move(failure)), archive_(archive) {}
ZipArchive::~ZipArchive() = default;

std::unique_ptr<ZipArchive> ZipArchive::open(RandomAccess& source, std::string& error) {
  auto failure = std::make_unique<std::exception_ptr>();
  auto* state = new SourceState;  // freed by ZIP_SOURCE_FREE
  state->access = &source;
  state->failure = failure.get();
  zip_error_init(&state->error);
  zip_error_t create_error;
  zip_error_init(&create_error);
  zip_source_t* zip_source = zip_source_function_create(source_callback, state, &create_error);
  if (zip_source == nullptr) {
    zip_error_fini(&state->error);
    delete state;
    error = zip_error_strerror(&create_error);
    zip_error_fini(&create_error);
    return nullptr;
  }
  zip_t* archive = zip_open_from_source(zip_source, ZIP_RDONLY, &create_error);
  if (archive == nullptr) {
    error = zip_error_strerror(&create_error);
    zip_error_fini(&create_error);
    zip_source_free(zip_source);
    if (*failure) std::rethrow_exception(*failure);
    return nullptr;
  }
  zip_error_fini(&create_error);
  std::unique_ptr<ZipArchive> result(new ZipArchive(archive, std::move(failure)));
  if (*result->failure_) std::rethrow_exception(*result->failure_);
  zip_int64_t count = zip_get_num_entries(archive, 0);
  for (zip_int64_t i = 0; i < count; ++i) {
    zip_stat_t st;
    zip_stat_init(&st);
    if (zip_stat_index(archive, static_cast<zip_uint64_t>(i), ZIP_FL_ENC_RAW, &st) != 0) continue;
    ZipMember member;
    member.index = static_cast<uint64_t>(i);
    member.name = (st.valid & ZIP_STAT_NAME) && st.name ? st.name : "";
    member.size = (st.valid & ZIP_STAT_SIZE) ? st.size : 0;
    member.compressed_size = (st.valid & ZIP_STAT_COMP_SIZE) ? st.comp_size : 0;
    member.encrypted = (st.valid & ZIP_STAT_ENCRYPTION_METHOD) && st.encryption_method != 0;
    result->members_.push_back(std::move(member));
  }
  return result;
}

std::unique_ptr<ByteStream> ZipArchive::open_member(const ZipMember& member, uint64_t cap) {
  zip_file_t* file = zip_fopen_index(archive_.get(), member.index, 0);
  if (*failure_) std::rethrow_exception(*failure_);
  if (file == nullptr) {
    throw ZipDataError("member '" + member.name +
                       "' cannot be read: " + zip_strerror(archive_.get()));
  }
  return std::make_unique<MemberStream>(file, member.size, cap, member.name, *failure_);
}

bool zip_name_escapes(const std::string& name) {
  if (name.empty() || name.front() == '/' || name.find('\\') != std::string::npos) return true;
  if (name.size() >= 2 && name[1] == ':') return true;
  if (name.find('\0') != std::string::npos) return true;
  size_t start = 0;
  while (start <= name.size()) {
    size_t slash = name.find('/', start);
    std::string segment = name.substr(start, slash == std::string::npos ? slash : slash - start);
    if (segment == "..") return true;
    if (slash == std::string::npos) break;
    start = slash + 1;
  }
  return false;
}

}  // namespace gate::rules::model
