/*
 * libpromote — GitOps promotion of products through environments.
 *
 * The only header to include. Everything it declares is the stable ABI:
 * see doc/ABI.md.
 */
#ifndef PROMOTE_H
#define PROMOTE_H

#define PROMOTE_INSIDE
#include "promote/common.h"
#include "promote/version.h"
#include "promote/errors.h"
#include "promote/global.h"
#include "promote/buffer.h"
#include "promote/event.h"
#include "promote/context.h"
#include "promote/repository.h"
#include "promote/environment.h"
#include "promote/product.h"
#include "promote/policy.h"
#include "promote/flow.h"
#include "promote/yaml.h"
#include "promote/plan.h"
#include "promote/change.h"
#include "promote/release.h"
#include "promote/status.h"
#include "promote/drift.h"
#include "promote/scaffold.h"
#include "promote/watch.h"
#include "promote/hold.h"
#include "promote/sync.h"
#include "promote/import.h"
#include "promote/sys/git_provider.h"
#include "promote/sys/deploy_backend.h"
#undef PROMOTE_INSIDE

#endif
