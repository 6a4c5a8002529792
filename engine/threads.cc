#include "engine/threads.h"

#include <pthread.h>
#include <sched.h>

namespace ledger {

void SetUpThisThread(const char* name, ThreadKind kind) {
  pthread_setname_np(pthread_self(), name);
  if (kind == ThreadKind::kThroughput) {
    sched_param param{};
    param.sched_priority = 0;
    (void)pthread_setschedparam(pthread_self(), SCHED_BATCH, &param);
  }
}

}  // namespace ledger
