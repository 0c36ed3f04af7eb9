#include "actors/venue/reconcile.hpp"

namespace om {

reconciliation reconcile(const std::map<uint64_t, quantity>& desk,
                         const std::vector<venue_executions>& venues, bool all_in_scope) {
  reconciliation out;
  struct seen {
    order_id id;
    quantity qty;
    std::string venues;
  };
  std::map<uint64_t, seen> executed;
  for (auto& v : venues) {
    out.partial = out.partial || v.truncated;
    for (auto& x : v.orders) {
      if (!all_in_scope && desk.find(x.id.value) == desk.end()) {
        ++out.out_of_scope;
        continue;
      }
      auto& s = executed[x.id.value];
      s.id = x.id;
      s.qty += x.qty;
      s.venues += (s.venues.empty() ? "" : ",") + v.venue.value;
      out.venue_fills += x.fills;
      out.venue_qty += x.qty;
    }
  }
  for (auto& [id, qty] : desk) {
    out.desk_qty += qty;
    auto i = executed.find(id);
    quantity venue_qty = i == executed.end() ? quantity{} : i->second.qty;
    if (!qty.is_zero() || i != executed.end())
      ++out.orders_compared;
    if (venue_qty != qty)
      out.breaks.push_back(execution_break{i == executed.end() ? order_id{id} : i->second.id, qty,
                                           venue_qty,
                                           i == executed.end() ? std::string{} : i->second.venues});
  }
  for (auto& [id, s] : executed)
    if (desk.find(id) == desk.end()) {
      ++out.orders_compared;
      out.breaks.push_back(execution_break{s.id, quantity{}, s.qty, s.venues});
    }
  return out;
}

} // namespace om
