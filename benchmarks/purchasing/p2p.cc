// p2p: purchase-to-pay stories, many at once. Each client runs one story
// after another, one command in flight at a time: request, submit, two
// approvals, convert, confirm, receipt, invoice, approval, payment.
#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <functional>
#include <mutex>

#include "benchmarks/purchasing/fixtures.h"
#include "benchmarks/purchasing/workloads.h"
#include "benchmarks/report.h"
#include "engine/budgets/budget.h"

namespace ledger::bench::purchasing {
namespace {

constexpr int kSteps = 10;  // commands per story

struct Story {
  int step = 0;
  std::string pr, po, si;
};

// Besides SeedReference: the category of the product (the budget's lines
// hold categories), a matching policy, and a budget for this month large
// enough for every story.
void SeedStories(Engine& engine, const std::string& today) {
  SeedReference(engine);
  events::CategoryDefinedT cat;
  cat.name = "Hardware";
  Define(engine, "hardware", cat);
  events::ProductDefinedT prod;
  prod.name = "Laptop";
  prod.kind = "good";
  prod.tax_code = "VAT20";
  prod.category = "hardware";
  Define(engine, "LAPTOP", prod);
  events::MatchingPolicyDefinedT mp;
  mp.quantity_pct = "0";
  mp.price_pct = "2";
  mp.amount_abs = "5";
  mp.over_receipt_pct = "0";
  Define(engine, "company", mp);
  domain::BudgetLineInput line{{"IT", "hardware", ""},
                               {{today.substr(0, 7), *Decimal::Parse("1000000000")}}};
  Must(engine, ToCommand(domain::DefineBudget{"BENCH", "bench", "EUR", "warn", {line}}),
       Actor{"fred", {"approver_finance"}});
}

}  // namespace

void P2p(const Options& o, Node& node) {
  Engine& engine = node.engine();
  const std::string today = IsoDate(SystemClock().NowMicros());
  SeedStories(engine, today);

  const Actor requester{"rita", {"requester"}}, manager{"mona", {"approver_manager"}},
      finance{"fred", {"approver_finance"}}, receiver{"rob", {"receiver"}},
      accountant{"anna", {"accountant"}};
  const size_t stories = std::max<size_t>(1, o.commands / kSteps);
  const size_t total = stories * kSteps;
  std::vector<Story> story_of(o.clients);
  std::vector<double> lat(total);
  std::atomic<uint64_t> issued{0}, done{0}, failed{0};
  std::mutex end_mu;
  std::condition_variable end_cv;

  auto next = [&](Story& s, size_t n) -> Command {
    using namespace domain;
    Command c;
    switch (s.step) {
      case 0: {
        PrLineInput l;
        l.product = "LAPTOP";
        l.quantity = Decimal::FromInt(2);
        l.estimated_unit_price = *Decimal::Parse("1249.99");
        l.currency = "EUR";
        l.cost_center = "IT";
        PrInput in{"bench", {l}, {}};
        c = ToCommand(CreatePr{in});
        c.actor = requester;
        break;
      }
      case 1:
        c = ToCommand(SubmitPr{s.pr});
        c.actor = requester;
        break;
      case 2:
      case 3:
        c = ToCommand(ApprovePr{s.pr, ""});
        c.actor = s.step == 2 ? manager : finance;
        break;
      case 4:
        c = ToCommand(ConvertPr{s.pr, {}, "ACME"});
        c.actor = kBuyer;
        break;
      case 5:
        c = ToCommand(ConfirmPo{s.po});
        c.actor = kBuyer;
        break;
      case 6: {
        ReceiptInput in{s.po, today, std::nullopt, {{1, Decimal::FromInt(2), "", "", "", ""}}};
        c = ToCommand(RecordReceipt{in});
        c.actor = receiver;
        break;
      }
      case 7: {
        SiInput in;
        in.supplier = "ACME";
        in.supplier_ref = fmt::format("F-{}", n);
        in.date = today;
        in.purchase_order = s.po;
        in.lines.push_back({1, "", Decimal::FromInt(2), *Decimal::Parse("1249.99"), std::nullopt});
        c = ToCommand(CaptureInvoice{in});
        c.actor = accountant;
        break;
      }
      case 8:
        c = ToCommand(ApproveInvoice{s.si});
        c.actor = finance;
        break;
      default: {
        // Pays what is left, read from the approved invoice: the client's
        // previous command is durable, so its state is committed.
        auto si = engine.Load<SupplierInvoice>(s.si);
        const Decimal left = si ? domain::Remaining(*si) : Decimal();
        c = ToCommand(PayInvoice{s.si, {left, "bank_transfer", "TRF", ""}});
        c.actor = accountant;
        break;
      }
    }
    return c;
  };

  std::function<void(size_t)> run_client = [&](size_t client) {
    size_t n = issued.fetch_add(1);
    if (n >= total) return;
    Story& s = story_of[client];
    Command c = next(s, n);
    auto s0 = Now();
    engine.Submit(std::move(c), [&, client, n, s0](CommandOutcome out) {
      lat[n] = Seconds(s0, Now()) * 1e6;
      Story& st = story_of[client];
      if (!out.status.ok()) {
        failed++;
        st = Story{};  // start a new story
      } else {
        if (st.step == 0) st.pr = out.stream_id;
        if (st.step == 4) {
          st.po = engine.Load<domain::PurchaseRequest>(st.pr)->orders.at(0);
        }
        if (st.step == 7) st.si = out.stream_id;
        st.step = (st.step + 1) % kSteps;
      }
      if (++done == total) {
        std::lock_guard lock(end_mu);
        end_cv.notify_all();
      }
      run_client(client);
    });
  };
  const auto before = engine.stats();
  auto t0 = Now();
  for (size_t c = 0; c < o.clients; ++c) run_client(c);
  {
    std::unique_lock lock(end_mu);
    end_cv.wait(lock, [&] { return done.load() >= total; });
  }
  const double secs = Seconds(t0, Now());
  const auto stats = engine.stats();
  Report("p2p", done.load(), secs, std::move(lat),
         fmt::format(",\"stories\":{},\"stories_per_s\":{:.0f},\"clients\":{},\"failed\":{},"
                     "\"events\":{},\"batches\":{}",
                     stories, (done.load() - failed.load()) / kSteps / secs, o.clients,
                     failed.load(), stats.events - before.events, stats.batches - before.batches));
}

}  // namespace ledger::bench::purchasing
