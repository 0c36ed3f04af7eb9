// The only translation unit that includes QuickFIX (built as C++14).
#include "runtime/fix/fix_engine.hpp"

#include <quickfix/Application.h>
#include <quickfix/FileStore.h>
#include <quickfix/Log.h>
#include <quickfix/Message.h>
#include <quickfix/Session.h>
#include <quickfix/SessionSettings.h>
#include <quickfix/ThreadedSocketAcceptor.h>
#include <quickfix/SocketInitiator.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <map>
#include <mutex>
#include <set>

namespace om {
namespace fix {

std::string engine::key_of(const session_spec& s) {
  return s.begin_string + ":" + s.sender_comp_id + "->" + s.target_comp_id;
}

engine::~engine() = default;

namespace {

int64_t now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
           std::chrono::system_clock::now().time_since_epoch())
    .count();
}

} // namespace

namespace {

/// Repeating groups this layer builds on the way out: (count tag, first
/// tag of an entry).
int group_delimiter(const std::string& msg_type, int count_tag) {
  switch (count_tag) {
    case 146: return 55;  // NoRelatedSym: Symbol
    case 267: return 269; // NoMDEntryTypes: MDEntryType
    case 268: return msg_type == "X" ? 279 : 269; // NoMDEntries
    default: return 0;
  }
}

/// A group entry's fields come out with its delimiter first, whatever order
/// QuickFIX keeps them in, so a reader can split the entries.
void flatten(const std::string& msg_type, const FIX::FieldMap& m, std::vector<field>& out,
             int delim = 0) {
  if (delim != 0 && m.isSetField(delim))
    out.push_back(field{delim, m.getField(delim)});
  for (auto i = m.begin(); i != m.end(); ++i) {
    if (i->getTag() == delim)
      continue;
    out.push_back(field{i->getTag(), i->getString()});
    for (auto g = m.g_begin(); g != m.g_end(); ++g)
      if (g->first == i->getTag())
        for (auto* entry : g->second)
          flatten(msg_type, *entry, out, group_delimiter(msg_type, g->first));
  }
}

/// Sessions validated in code still need QuickFIX to know the repeating
/// groups they receive, or their fields come out sorted by tag with the
/// entries mixed. This dictionary knows only those groups: no version, so
/// QuickFIX checks no message type, required field or value with it.
std::shared_ptr<FIX::DataDictionary> groups_only_dictionary() {
  auto dd = std::make_shared<FIX::DataDictionary>();
  dd->checkFieldsOutOfOrder(false);
  dd->checkUserDefinedFields(false);
  dd->allowUnknownMsgFields(true);
  FIX::DataDictionary entry;
  // MDEntryType, Px, Size, Date, Time, Symbol, MDUpdateAction, MDEntryID,
  // NumberOfOrders, MDEntryPositionNo, SecurityID, SecurityIDSource.
  for (int t : {269, 270, 271, 272, 273, 55, 279, 278, 346, 290, 48, 22, 280, 336, 625})
    entry.addField(t);
  for (const char* type : {"W", "X"}) {
    dd->addGroup(type, 268, std::string(type) == "X" ? 279 : 269, entry);
  }
  return dd;
}

/// Appends `m`'s fields to `msg`, building groups for known count tags.
void build_body(const message& m, FIX::Message& msg) {
  size_t i = 0;
  auto& body = m.body;
  while (i < body.size()) {
    auto& f = body[i];
    int delim = group_delimiter(m.msg_type, f.tag);
    if (delim == 0) {
      msg.setField(f.tag, f.value);
      ++i;
      continue;
    }
    // Collect the entries: each starts at `delim` and runs to the next one.
    // A group ends at the end of the body or at a tag its last entry already
    // holds, so callers put groups after the message's other fields.
    ++i;
    std::vector<std::vector<const field*>> entries;
    while (i < body.size()) {
      if (body[i].tag == delim) {
        entries.emplace_back();
      } else if (entries.empty() || group_delimiter(m.msg_type, body[i].tag) != 0) {
        break; // not an entry, or the next group
      } else {
        bool repeated = false;
        for (auto* e : entries.back())
          repeated = repeated || e->tag == body[i].tag;
        if (repeated)
          break;
      }
      entries.back().push_back(&body[i]);
      ++i;
    }
    for (auto& e : entries) {
      std::vector<int> order;
      for (auto* x : e)
        order.push_back(x->tag);
      order.push_back(0);
      FIX::Group g(f.tag, delim, order.data());
      for (auto* x : e)
        g.setField(x->tag, x->value);
      msg.addGroup(g);
    }
  }
}

class store_factory : public FIX::MessageStoreFactory {
public:
  explicit store_factory(const FIX::SessionSettings& s) : settings_(s), files_(s) {}

  FIX::MessageStore* create(const FIX::SessionID& id) override {
    auto& d = settings_.get(id);
    if (d.has(FIX::FILE_STORE_PATH))
      return files_.create(id);
    return memory_.create(id);
  }
  void destroy(FIX::MessageStore* store) override { delete store; }

private:
  FIX::SessionSettings settings_;
  FIX::FileStoreFactory files_;
  FIX::MemoryStoreFactory memory_;
};

class forward_log : public FIX::Log {
public:
  forward_log(std::string session, const handlers* h) : session_(std::move(session)), h_(h) {}
  void clear() override {}
  void backup() override {}
  void onIncoming(const std::string&) override {}
  void onOutgoing(const std::string&) override {}
  void onEvent(const std::string& text) override {
    if (h_->on_event) {
      event e;
      e.kind = event_kind::note;
      e.session = session_;
      e.text = text;
      h_->on_event(e);
    }
  }

private:
  std::string session_;
  const handlers* h_;
};

class forward_log_factory : public FIX::LogFactory {
public:
  explicit forward_log_factory(const handlers* h) : h_(h) {}
  FIX::Log* create() override { return new forward_log("", h_); }
  FIX::Log* create(const FIX::SessionID& id) override {
    return new forward_log(id.toString(), h_);
  }
  void destroy(FIX::Log* log) override { delete log; }

private:
  const handlers* h_;
};

struct session_info {
  session_spec spec;
  FIX::SessionID id;
  std::atomic<bool> logged_on{false};
  std::atomic<int64_t> logon_skew_ns{0};
  std::mutex mu;
  std::map<int, std::string> sent; // MsgSeqNum -> ClOrdID, for rejects
};

constexpr size_t sent_retention = 100000;

class quickfix_engine : public engine, public FIX::Application {
public:
  quickfix_engine(role r, handlers h) : role_(r), h_(std::move(h)), logs_(&h_) {}

  ~quickfix_engine() override { stop(); }

  bool configure(const std::vector<session_spec>& sessions, std::string* error) {
    try {
      FIX::Dictionary defaults;
      defaults.setString(FIX::CONNECTION_TYPE, role_ == role::initiator ? "initiator" : "acceptor");
      defaults.setString(FIX::START_TIME, "00:00:00");
      defaults.setString(FIX::END_TIME, "00:00:00");
      defaults.setInt(FIX::RECONNECT_INTERVAL, 1);
      defaults.setString(FIX::PERSIST_MESSAGES, "Y");
      defaults.setString(FIX::VALIDATE_USER_DEFINED_FIELDS, "N");
      defaults.setString(FIX::VALIDATE_FIELDS_OUT_OF_ORDER, "N");
      defaults.setString("AllowUnknownMsgFields", "Y");
      defaults.setString(FIX::MILLISECONDS_IN_TIMESTAMP, "Y");
      // Orders are small messages: Nagle plus delayed ACKs would hold each
      // one for ~40 ms.
      defaults.setString(FIX::SOCKET_NODELAY, "Y");
      settings_.set(defaults);
      for (auto& s : sessions) {
        FIX::Dictionary d;
        d.setString(FIX::BEGINSTRING, s.begin_string);
        d.setString(FIX::SENDERCOMPID, s.sender_comp_id);
        d.setString(FIX::TARGETCOMPID, s.target_comp_id);
        d.setInt(FIX::HEARTBTINT, s.heartbeat_s);
        d.setInt(FIX::MAX_LATENCY, s.max_latency_s);
        d.setString(FIX::RESET_ON_LOGON, s.reset_on_logon ? "Y" : "N");
        if (role_ == role::initiator) {
          d.setString(FIX::SOCKET_CONNECT_HOST, s.host);
          d.setInt(FIX::SOCKET_CONNECT_PORT, s.port);
        } else {
          d.setInt(FIX::SOCKET_ACCEPT_PORT, s.port);
          d.setString("SocketReuseAddress", "Y");
        }
        if (!s.store_dir.empty())
          d.setString(FIX::FILE_STORE_PATH, s.store_dir);
        if (s.data_dictionary.empty()) {
          d.setString(FIX::USE_DATA_DICTIONARY, "N");
        } else {
          d.setString(FIX::USE_DATA_DICTIONARY, "Y");
          d.setString(FIX::DATA_DICTIONARY, s.data_dictionary);
        }
        FIX::SessionID id(s.begin_string, s.sender_comp_id, s.target_comp_id);
        settings_.set(id, d);
        auto info = std::make_shared<session_info>();
        info->spec = s;
        info->id = id;
        sessions_[id.toString()] = info;
      }
      stores_.reset(new store_factory(settings_));
      if (role_ == role::initiator)
        initiator_.reset(new FIX::SocketInitiator(*this, *stores_, settings_, logs_));
      else
        acceptor_.reset(new FIX::ThreadedSocketAcceptor(*this, *stores_, settings_, logs_));
      auto groups = groups_only_dictionary();
      for (auto& kv : sessions_) {
        if (!kv.second->spec.data_dictionary.empty())
          continue;
        if (auto* session = FIX::Session::lookupSession(kv.second->id)) {
          FIX::DataDictionaryProvider p;
          p.addTransportDataDictionary(kv.second->id.getBeginString(), groups);
          session->setDataDictionaryProvider(p);
        }
      }
      return true;
    } catch (std::exception& e) {
      if (error)
        *error = e.what();
      return false;
    }
  }

  bool start(std::string* error) override {
    try {
      if (initiator_)
        initiator_->start();
      else
        acceptor_->start();
      started_ = true;
      return true;
    } catch (std::exception& e) {
      if (error)
        *error = e.what();
      return false;
    }
  }

  void stop() override {
    if (!started_)
      return;
    started_ = false;
    try {
      if (initiator_)
        initiator_->stop();
      if (acceptor_)
        acceptor_->stop();
    } catch (std::exception&) {
    }
  }

  bool send(const std::string& key, const message& m, std::string* error) override {
    auto info = find(key);
    if (!info) {
      if (error)
        *error = "no session " + key;
      return false;
    }
    try {
      FIX::Message msg;
      msg.getHeader().setField(FIX::MsgType(m.msg_type));
      if (m.poss_dup) {
        msg.getHeader().setField(FIX::PossDupFlag(true));
        msg.getHeader().setField(122, utc_timestamp(now_ns()));
      }
      build_body(m, msg);
      if (!FIX::Session::sendToTarget(msg, info->id)) {
        if (error)
          *error = "session refused the message";
        return false;
      }
      return true;
    } catch (std::exception& e) {
      if (error)
        *error = e.what();
      return false;
    }
  }

  void enable(const std::string& key, bool on) override {
    auto info = find(key);
    if (!info)
      return;
    if (auto* s = FIX::Session::lookupSession(info->id)) {
      if (on)
        s->logon();
      else
        s->logout("disabled");
    }
  }

  bool logged_on(const std::string& key) override {
    auto info = find(key);
    return info && info->logged_on.load();
  }

  void drop(const std::string& key) override {
    auto info = find(key);
    if (!info)
      return;
    if (auto* s = FIX::Session::lookupSession(info->id))
      s->disconnect();
  }

  void skip_seq(const std::string& key, int n) override {
    auto info = find(key);
    if (!info)
      return;
    if (auto* s = FIX::Session::lookupSession(info->id)) {
      try {
        s->setNextSenderMsgSeqNum(s->getExpectedSenderNum() + n);
      } catch (std::exception&) {
      }
    }
  }

  std::pair<int, int> seq_nums(const std::string& key) override {
    auto info = find(key);
    if (!info)
      return {0, 0};
    if (auto* s = FIX::Session::lookupSession(info->id))
      return {s->getExpectedSenderNum(), s->getExpectedTargetNum()};
    return {0, 0};
  }

  std::vector<std::string> sessions_logged_on() override {
    std::vector<std::string> out;
    for (auto& kv : sessions_)
      if (kv.second->logged_on.load())
        out.push_back(kv.first);
    return out;
  }

  // --- FIX::Application -------------------------------------------------

  void onCreate(const FIX::SessionID& id) override { emit(event_kind::created, id, ""); }

  void onLogon(const FIX::SessionID& id) override {
    auto info = find(id.toString());
    if (info)
      info->logged_on = true;
    event e;
    e.kind = event_kind::logged_on;
    e.session = id.toString();
    e.peer_skew_ns = info ? info->logon_skew_ns.load() : 0;
    if (h_.on_event)
      h_.on_event(e);
  }

  void onLogout(const FIX::SessionID& id) override {
    auto info = find(id.toString());
    bool was = info && info->logged_on.exchange(false);
    // An initiator waits for its owner to reconnect (backoff is theirs).
    if (role_ == role::initiator)
      if (auto* s = FIX::Session::lookupSession(id))
        s->logout("disconnected");
    event e;
    e.kind = event_kind::disconnected;
    e.session = id.toString();
    e.was_logged_on = was;
    if (h_.on_event)
      h_.on_event(e);
  }

  void toAdmin(FIX::Message& msg, const FIX::SessionID& id) override {
    auto info = find(id.toString());
    shift_clock(msg, info.get());
    FIX::MsgType type;
    msg.getHeader().getField(type);
    if (type.getValue() == "A")
      emit(event_kind::logon_sent, id, "");
  }

  void toApp(FIX::Message& msg, const FIX::SessionID& id) throw(FIX::DoNotSend) override {
    auto info = find(id.toString());
    // A resend of an order, cancel or replace would act on stale terms (the
    // owner already treated them as not sent, or reconciles): gap-filled.
    if (role_ == role::initiator && msg.getHeader().isSetField(43)
        && msg.getHeader().getField(43) == "Y") {
      auto t = msg.getHeader().getField(35);
      if (t == "D" || t == "F" || t == "G")
        throw FIX::DoNotSend();
    }
    shift_clock(msg, info.get());
    if (info && msg.isSetField(11) && msg.getHeader().isSetField(34)) {
      int seq = std::atoi(msg.getHeader().getField(34).c_str());
      std::lock_guard<std::mutex> g(info->mu);
      info->sent[seq] = msg.getField(11);
      while (info->sent.size() > sent_retention)
        info->sent.erase(info->sent.begin());
    }
  }

  void fromAdmin(const FIX::Message& msg, const FIX::SessionID& id) throw(
    FIX::FieldNotFound, FIX::IncorrectDataFormat, FIX::IncorrectTagValue,
    FIX::RejectLogon) override {
    FIX::MsgType type;
    msg.getHeader().getField(type);
    if (type.getValue() == "3") {
      deliver(msg, id); // a session Reject of one of our messages
      return;
    }
    if (type.getValue() == "5" && msg.isSetField(58)) {
      emit(event_kind::note, id, "peer logout: " + msg.getField(58));
      return;
    }
    if (type.getValue() != "A")
      return;
    auto info = find(id.toString());
    if (!info)
      return;
    if (info->spec.refuse_logon)
      throw FIX::RejectLogon("logon refused by configuration");
    int64_t sent = 0;
    if (msg.getHeader().isSetField(52)
        && parse_utc_timestamp(msg.getHeader().getField(52), &sent))
      info->logon_skew_ns = sent - now_ns();
  }

  void fromApp(const FIX::Message& msg, const FIX::SessionID& id) throw(
    FIX::FieldNotFound, FIX::IncorrectDataFormat, FIX::IncorrectTagValue,
    FIX::UnsupportedMessageType) override {
    deliver(msg, id);
  }

private:
  void deliver(const FIX::Message& msg, const FIX::SessionID& id) {
    if (!h_.on_app)
      return;
    message m;
    auto& header = msg.getHeader();
    m.msg_type = header.getField(35);
    if (header.isSetField(43)) {
      auto v = header.getField(43);
      m.poss_dup = v == "Y";
    }
    if (header.isSetField(52))
      parse_utc_timestamp(header.getField(52), &m.sending_ns);
    if (header.isSetField(34))
      m.seq_num = std::atoi(header.getField(34).c_str());
    flatten(m.msg_type, msg, m.body);
    if ((m.msg_type == "3" || m.msg_type == "j") && msg.isSetField(45)) {
      if (auto info = find(id.toString())) {
        int ref = std::atoi(msg.getField(45).c_str());
        std::lock_guard<std::mutex> g(info->mu);
        auto i = info->sent.find(ref);
        if (i != info->sent.end())
          m.ref_cl_ord_id = i->second;
      }
    }
    auto r = h_.on_app(id.toString(), m);
    if (m.msg_type == "3")
      return; // never answer a Reject with a Reject
    switch (r.kind) {
      case refusal_kind::none:
        return;
      case refusal_kind::missing_tag:
        throw FIX::FieldNotFound(r.tag, r.text);
      case refusal_kind::bad_value:
        throw FIX::IncorrectTagValue(r.tag, r.text);
      case refusal_kind::bad_format:
        throw FIX::IncorrectDataFormat(r.tag, r.text);
      case refusal_kind::unsupported_type:
        throw FIX::UnsupportedMessageType(r.text);
    }
  }

  std::shared_ptr<session_info> find(const std::string& key) {
    auto i = sessions_.find(key);
    return i == sessions_.end() ? nullptr : i->second;
  }

  void emit(event_kind k, const FIX::SessionID& id, const std::string& text) {
    if (!h_.on_event)
      return;
    event e;
    e.kind = k;
    e.session = id.toString();
    e.text = text;
    h_.on_event(e);
  }

  static void shift_clock(FIX::Message& msg, const session_info* info) {
    if (!info || info->spec.clock_offset_ms == 0)
      return;
    msg.getHeader().setField(52, utc_timestamp(now_ns() + info->spec.clock_offset_ms * 1000000));
  }

  role role_;
  handlers h_;
  forward_log_factory logs_;
  FIX::SessionSettings settings_;
  // Written only before start(); read-only afterwards (QuickFIX threads).
  std::map<std::string, std::shared_ptr<session_info>> sessions_;
  std::unique_ptr<store_factory> stores_;
  std::unique_ptr<FIX::SocketInitiator> initiator_;
  // Threaded: a connection per thread, so drop() from another thread only
  // closes that connection's socket (the single-threaded acceptor's socket
  // monitor is not safe to touch from outside its thread).
  std::unique_ptr<FIX::ThreadedSocketAcceptor> acceptor_;
  bool started_ = false;
};

} // namespace

std::unique_ptr<engine> engine::make(role r, const std::vector<session_spec>& sessions,
                                     handlers h, std::string* error) {
  std::unique_ptr<quickfix_engine> e(new quickfix_engine(r, std::move(h)));
  if (!e->configure(sessions, error))
    return nullptr;
  return std::unique_ptr<engine>(e.release());
}

} // namespace fix
} // namespace om
