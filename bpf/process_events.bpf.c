// SPDX-License-Identifier: GPL-2.0
/* bpf/process_events.bpf.c: fork, exec and exit of thread groups, as records
 * of src/abi/process_events.h in one BPF ring buffer.
 *
 * Every handler exists twice, under SEC("tp_btf/...") and SEC("raw_tp/..."),
 * with the same body; user space (probe/) enables one set with
 * bpf_program__set_autoload() and falls back to raw_tp when the kernel
 * refuses tp_btf. All kernel structures are read with CO-RE, so the object
 * built against the pinned vmlinux.h loads on other kernels; fields that
 * moved between versions are read through ___flavor structs and
 * bpf_core_field_exists().
 *
 * Exec records are variable-size (argv, paths), which bpf_ringbuf_reserve()
 * cannot do: they are built in a per-CPU scratch map and copied with
 * bpf_ringbuf_output() of the clamped size. Blob offsets are masked with
 * PICKET_BLOB_LIMIT - 1 and every write is at most PICKET_FIELD_CAP_MAX
 * bytes, so the verifier can prove each write stays inside the scratch map
 * value (PICKET_BLOB_CAPACITY bytes of blob).
 *
 * Paths are walked in the kernel (bpf_d_path is not allowed in these program
 * types): from the dentry up through d_parent, crossing to the mountpoint of
 * the parent mount at each mount root, inside bpf_loop() so the verifier
 * checks one iteration. Components are written leaf first; decode/ reverses
 * them.
 */
#include "vmlinux.h"

#include <bpf/bpf_core_read.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

#include "abi/process_events.h"

char LICENSE[] SEC("license") = "GPL";

/* Configuration, set by user space before load; the verifier prunes code
 * that a value disables. */
const volatile __u32 argv_cap = 4096;	       /* <= PICKET_ARGS_CAP_MAX */
const volatile __u32 env_cap = 0;	       /* 0: envp not captured */
const volatile __u64 wakeup_threshold = 65536; /* 0: wake on every record */

/* Set by user space (through the skeleton's mmapped .bss) while its consumer
 * waits on an empty ring: the next record wakes it at once and clears the
 * flag, so the records right behind that one stay batched. Lets an idle
 * agent sleep without a polling timer and still see the first exec at once. */
volatile __u32 consumer_idle = 0;

/* Set here when a record found wakeup_threshold bytes pending and forced a
 * wake-up; cleared by user space after each drain. Until then later records
 * do not force again: the consumer has been told, and each further forced
 * wake-up would queue the ring's irq_work anew (a self-IPI, a VM exit in a
 * guest) for every record while the consumer is on its way. */
volatile __u32 threshold_woken = 0;

/* Names whose exec wakes the consumer at once instead of at its next
 * batching interval: those the loaded rules test an exec's comm or file
 * name against (engine/urgent_exec_names.h). Looked up only while user
 * space sets urgent_names_active. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, PICKET_URGENT_NAMES_MAX);
	__type(key, struct picket_exec_name);
	__type(value, __u8);
} urgent_exec_names SEC(".maps");

volatile __u32 urgent_names_active = 0;

/* Set here when an urgent exec forced a wake-up; cleared by user space
 * when it starts a drain, so an urgent exec recorded after that point
 * forces its own. Bounds urgent wake-ups to one per drain. */
volatile __u32 urgent_woken = 0;

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 16 << 20); /* resized by user space before load */
} events SEC(".maps");

/* ---- cgroup path cache ----------------------------------------------------
 * A task's cgroup path is the same for every exec in that cgroup, and walking
 * it costs a helper call or two per component (the v1 fallback reads every
 * node with the helper). So each walked path is kept in an LRU map, keyed by
 * the hierarchy and the kernfs id of the cgroup's directory: 64-bit ids, not
 * reused while the hierarchy exists (ids of separate hierarchies may repeat,
 * hence the hierarchy in the key). A hit costs one lookup and one copy:
 * on a two-level v1 path it saves ~0.25 µs of the 0.5-0.8 µs the cgroup part
 * of the exec program costs (the rest is reaching the node;
 * docs/performance.md).
 *
 * cgroup v2 directories cannot be renamed; v1 ones can (cgroup1_rename).
 * The cgroup_rename programs bump cgroup_generation, and an entry filled
 * under an older generation is a miss, so a renamed cgroup (or one below a
 * renamed parent) is walked again. A walk stores the generation it read
 * before it started: a rename racing the walk leaves a stale entry already
 * out of date. */
enum cgroup_hierarchy { CGROUP_V2 = 2, CGROUP_V1_MEMORY = 1 };

struct cgroup_cache_key {
	__u64 node_id;
	__u64 hierarchy; /* enum cgroup_hierarchy */
};

struct cgroup_cache_entry {
	__u32 generation;
	__u16 length; /* bytes of path, NULs included; 1..PATH_MAX */
	__u16 depth;
	char path[PICKET_CGROUP_CACHE_PATH_MAX];
};

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 1024);
	__type(key, struct cgroup_cache_key);
	__type(value, struct cgroup_cache_entry);
} cgroup_paths SEC(".maps");

volatile __u32 cgroup_generation = 0;

struct exec_scratch {
	struct picket_exec_event event;
	char blob[PICKET_BLOB_CAPACITY];
	struct cgroup_cache_entry cgroup_entry; /* staged for the cache */
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct exec_scratch);
} exec_scratch SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, PICKET_COUNTER_COUNT);
	__type(key, __u32);
	__type(value, __u64);
} counters SEC(".maps");

#define BLOB_MASK (PICKET_BLOB_LIMIT - 1)

/* How a handler reads kernel memory. tp_btf programs receive BTF-typed
 * pointers and may load fields through them: the verifier turns each load
 * into a fault-safe one, a single instruction. raw_tp programs receive
 * untyped pointers and need a bpf_probe_read_kernel() call per field
 * (BPF_CORE_READ), which costs tens of nanoseconds each on these machines
 * (the exec handler reads ~40 fields; docs/performance.md). Every handler
 * takes the mode as a constant argument and is always inlined, so each
 * program keeps only its own kind of read (bpf_loop() callbacks exist once
 * per mode). A pointer computed by arithmetic (real_mount) or read by the
 * helper is no longer typed, so whatever is reached through it always uses
 * the helper: mount crossings, the cgroup v1 fallback. */
enum kernel_read { READ_PROBED, READ_DIRECT };
#define KREAD(how, ...)                                        \
	((how) == READ_DIRECT ? (___arrow(__VA_ARGS__)) :      \
				BPF_CORE_READ(__VA_ARGS__))

/* Kernel layouts that changed; the flavor suffix is ignored by CO-RE. */
struct kernfs_node___pre615 {
	struct kernfs_node___pre615 *parent;
	const char *name;
} __attribute__((preserve_access_index));

struct inode___pre611 {
	struct timespec64 i_mtime;
	struct timespec64 i_ctime;
} __attribute__((preserve_access_index));

struct inode___v66 {
	struct timespec64 __i_ctime;
} __attribute__((preserve_access_index));

struct linux_binprm___comm_from_dentry {
	unsigned int comm_from_dentry : 1;
} __attribute__((preserve_access_index));

static __always_inline void count(__u32 counter)
{
	__u64 *value = bpf_map_lookup_elem(&counters, &counter);

	if (value)
		*value += 1;
}

static __always_inline __u64 wakeup_flags(int urgent)
{
	if (wakeup_threshold == 0)
		return 0;
	if (urgent && !urgent_woken) {
		urgent_woken = 1;
		consumer_idle = 0;
		count(PICKET_COUNTER_URGENT_WAKEUPS);
		return BPF_RB_FORCE_WAKEUP;
	}
	if (consumer_idle) {
		consumer_idle = 0;
		return BPF_RB_FORCE_WAKEUP;
	}
	if (bpf_ringbuf_query(&events, BPF_RB_AVAIL_DATA) < wakeup_threshold ||
	    threshold_woken)
		return BPF_RB_NO_WAKEUP;
	threshold_woken = 1;
	count(PICKET_COUNTER_THRESHOLD_WAKEUPS);
	return BPF_RB_FORCE_WAKEUP;
}

static __always_inline void submit(void *record, __u64 size, __u32 emitted,
				   __u32 lost, int urgent)
{
	if (bpf_ringbuf_output(&events, record, size, wakeup_flags(urgent)) == 0)
		count(emitted);
	else
		count(lost);
}

static __always_inline void fill_header(struct picket_event_header *header,
					__u32 size, __u16 kind, __u32 pid,
					__u32 tid)
{
	header->boot_time_ns = bpf_ktime_get_boot_ns();
	header->size = size;
	header->kind = kind;
	header->abi_version = PICKET_ABI_VERSION;
	header->pid = pid;
	header->tid = tid;
}

static __always_inline __u64 group_start(enum kernel_read how,
					 struct task_struct *task)
{
	struct task_struct *leader = KREAD(how, task, group_leader);

	return KREAD(how, leader, start_boottime);
}

/* ---- fork ---------------------------------------------------------------- */

static __always_inline int handle_fork(enum kernel_read how,
				       struct task_struct *parent,
				       struct task_struct *child)
{
	struct picket_fork_event record = {};
	__u32 child_tgid = KREAD(how, child, tgid);

	/* A new thread joins an existing group: not a process (gotcha 12). */
	if (child_tgid == KREAD(how, parent, tgid))
		return 0;

	struct task_struct *real_parent = KREAD(how, child, real_parent);

	fill_header(&record.header, sizeof(record), PICKET_EVENT_FORK,
		    child_tgid, KREAD(how, child, pid));
	record.start_boot_ns = KREAD(how, child, start_boottime);
	record.parent_start_boot_ns = group_start(how, real_parent);
	record.cgroup_id = bpf_get_current_cgroup_id();
	record.parent_pid = KREAD(how, real_parent, tgid);
	record.parent_tid = KREAD(how, parent, pid);
	submit(&record, sizeof(record), PICKET_COUNTER_EMITTED_FORK,
	       PICKET_COUNTER_LOST_FORK, 0);
	return 0;
}

SEC("tp_btf/sched_process_fork")
int BPF_PROG(fork_btf, struct task_struct *parent, struct task_struct *child)
{
	return handle_fork(READ_DIRECT, parent, child);
}

SEC("raw_tp/sched_process_fork")
int BPF_PROG(fork_raw, struct task_struct *parent, struct task_struct *child)
{
	return handle_fork(READ_PROBED, parent, child);
}

/* ---- exit ---------------------------------------------------------------- */

static __always_inline int handle_exit(enum kernel_read how,
				       struct task_struct *task)
{
	struct picket_exit_event record = {};
	struct signal_struct *signal = KREAD(how, task, signal);

	/* Only the last thread of the group ends the process (gotcha 12).
	 * do_exit() decrements signal->live before this tracepoint. */
	if (KREAD(how, signal, live.counter) != 0)
		return 0;

	fill_header(&record.header, sizeof(record), PICKET_EVENT_EXIT,
		    KREAD(how, task, tgid), KREAD(how, task, pid));
	record.start_boot_ns = group_start(how, task);
	record.exit_code = KREAD(how, task, exit_code);
	submit(&record, sizeof(record), PICKET_COUNTER_EMITTED_EXIT,
	       PICKET_COUNTER_LOST_EXIT, 0);
	return 0;
}

SEC("tp_btf/sched_process_exit")
int BPF_PROG(exit_btf, struct task_struct *task)
{
	return handle_exit(READ_DIRECT, task);
}

SEC("raw_tp/sched_process_exit")
int BPF_PROG(exit_raw, struct task_struct *task)
{
	return handle_exit(READ_PROBED, task);
}

/* ---- cgroup rename: invalidates the cgroup path cache --------------------- */

SEC("tp_btf/cgroup_rename")
int BPF_PROG(cgroup_rename_btf, struct cgroup *cgrp, const char *path)
{
	__sync_fetch_and_add(&cgroup_generation, 1);
	return 0;
}

SEC("raw_tp/cgroup_rename")
int BPF_PROG(cgroup_rename_raw, struct cgroup *cgrp, const char *path)
{
	__sync_fetch_and_add(&cgroup_generation, 1);
	return 0;
}

/* ---- exec: blob writers -------------------------------------------------- */

static __always_inline struct exec_scratch *scratch(void)
{
	__u32 zero = 0;

	return bpf_map_lookup_elem(&exec_scratch, &zero);
}

/* Appends a NUL-terminated kernel string as `field`; returns the new blob
 * offset. */
static __always_inline __u32 put_kernel_string(struct exec_scratch *s,
					       int field, __u32 offset,
					       const char *src)
{
	long n;

	if (offset >= PICKET_BLOB_LIMIT) {
		s->event.flags |= PICKET_EXEC_F_BLOB_FULL;
		return offset;
	}
	n = bpf_probe_read_kernel_str(&s->blob[offset & BLOB_MASK],
				      PICKET_STRING_CAP, src);
	if (n <= 0)
		return offset;
	s->event.fields[field].offset = offset;
	s->event.fields[field].length = n;
	return offset + n;
}

/* Appends `size` bytes of user memory (argv or envp area), at most `cap`. */
static __always_inline __u32 put_user_area(struct exec_scratch *s, int field,
					   __u32 offset, unsigned long start,
					   unsigned long end, __u32 cap,
					   __u32 *original_size,
					   __u32 trunc_flag)
{
	__u64 size = end > start ? end - start : 0;
	__u32 n;

	*original_size = size > 0xffffffff ? 0xffffffff : size;
	n = size < cap ? size : cap;
	if (n < size)
		s->event.flags |= trunc_flag;
	if (n == 0)
		return offset;
	if (offset >= PICKET_BLOB_LIMIT) {
		s->event.flags |= PICKET_EXEC_F_BLOB_FULL | trunc_flag;
		return offset;
	}
	n &= PICKET_ARGS_CAP_MAX;
	if (bpf_probe_read_user(&s->blob[offset & BLOB_MASK], n,
				(const void *)start) != 0) {
		s->event.flags |= PICKET_EXEC_F_ARGS_UNREADABLE;
		return offset;
	}
	s->event.fields[field].offset = offset;
	s->event.fields[field].length = n;
	return offset + n;
}

/* ---- exec: dentry + mount walk ------------------------------------------- */

enum walk_end {
	WALK_RUNNING = 0,
	WALK_ROOT = 1,	 /* reached the root of the mount namespace */
	WALK_PSEUDO = 2, /* reached a dentry that is its own parent (memfd) */
	WALK_FULL = 3,	 /* blob full */
};

struct path_walk {
	struct dentry *dentry;
	struct mount *mnt;
	struct dentry *mnt_root; /* of the first mount (direct phase only) */
	__u32 offset;		 /* blob offset of the next component */
	__u32 depth;		 /* components written */
	__u32 steps;		 /* loop steps the direct phase used */
	__u32 end;		 /* enum walk_end */
};

static __always_inline struct mount *real_mount(struct vfsmount *vfsmnt)
{
	return (void *)vfsmnt - bpf_core_field_offset(struct mount, mnt);
}

static __always_inline int put_component(enum kernel_read how,
					 struct exec_scratch *s,
					 struct path_walk *w,
					 struct dentry *dentry)
{
	const unsigned char *name = KREAD(how, dentry, d_name.name);
	long n;

	if (w->offset >= PICKET_BLOB_LIMIT) {
		w->end = WALK_FULL;
		return 1;
	}
	n = bpf_probe_read_kernel_str(&s->blob[w->offset & BLOB_MASK],
				      PICKET_NAME_CAP, name);
	if (n > 0) {
		w->offset += n;
		w->depth++;
	}
	return 0;
}

static long path_walk_step(__u32 index, void *data)
{
	struct path_walk *w = data;
	struct exec_scratch *s = scratch();
	struct dentry *dentry = w->dentry;
	struct mount *mnt = w->mnt; /* local copy: gotcha 7 */
	struct dentry *mnt_root, *parent;

	if (!s)
		return 1;
	mnt_root = BPF_CORE_READ(mnt, mnt.mnt_root);
	parent = BPF_CORE_READ(dentry, d_parent);
	if (dentry == mnt_root || dentry == parent) {
		struct mount *mnt_parent;

		if (dentry != mnt_root) {
			/* A pseudo dentry (memfd, anon inode): the kernel's
			 * d_path shows "/<name>"; so do we. */
			put_component(READ_PROBED, s, w, dentry);
			w->end = WALK_PSEUDO;
			return 1;
		}
		mnt_parent = BPF_CORE_READ(mnt, mnt_parent);
		if (mnt_parent == mnt || !mnt_parent) {
			w->end = WALK_ROOT;
			return 1;
		}
		w->dentry = BPF_CORE_READ(mnt, mnt_mountpoint);
		w->mnt = mnt_parent;
		return 0;
	}
	if (put_component(READ_PROBED, s, w, dentry))
		return 1;
	w->dentry = parent;
	return 0;
}

/* tp_btf only: the plain steps inside the first mount (one component each),
 * with direct loads: every dentry here is typed, which stops being true once
 * path_walk_step crosses to a mount it reached by pointer arithmetic. Stops
 * without using the step at the mount's root or a pseudo dentry, where
 * path_walk_step takes over, so the two phases write exactly what
 * path_walk_step alone would. */
static long dentry_walk_step_direct(__u32 index, void *data)
{
	struct path_walk *w = data;
	struct exec_scratch *s = scratch();
	struct dentry *dentry = w->dentry;
	struct dentry *parent;

	if (!s || dentry == w->mnt_root)
		return 1;
	parent = KREAD(READ_DIRECT, dentry, d_parent);
	if (dentry == parent)
		return 1;
	if (put_component(READ_DIRECT, s, w, dentry))
		return 1;
	w->dentry = parent;
	w->steps++;
	return 0;
}

/* Walks `path` and records it as `field`; returns the new blob offset. */
static __always_inline __u32 put_path(enum kernel_read how,
				      struct exec_scratch *s, int field,
				      __u32 offset, struct dentry *dentry,
				      struct vfsmount *vfsmnt, __u16 *depth,
				      __u32 trunc_flag)
{
	struct path_walk w = {
		.dentry = dentry,
		.mnt = real_mount(vfsmnt),
		.offset = offset,
	};

	if (!dentry || !vfsmnt)
		return offset;
	if (how == READ_DIRECT) {
		w.mnt_root = KREAD(how, vfsmnt, mnt_root);
		bpf_loop(PICKET_PATH_WALK_MAX, dentry_walk_step_direct, &w, 0);
	}
	if (w.end == WALK_RUNNING)
		bpf_loop(PICKET_PATH_WALK_MAX - w.steps, path_walk_step, &w, 0);
	if (w.end == WALK_PSEUDO && field == PICKET_EXEC_FIELD_PATH)
		s->event.flags |= PICKET_EXEC_F_PATH_PSEUDO;
	if (w.end == WALK_RUNNING)
		s->event.flags |= trunc_flag;
	if (w.end == WALK_FULL)
		s->event.flags |= PICKET_EXEC_F_BLOB_FULL | trunc_flag;
	if (w.offset > offset) {
		s->event.fields[field].offset = offset;
		s->event.fields[field].length = w.offset - offset;
	}
	*depth = w.depth;
	return w.offset;
}

/* ---- exec: cgroup path ---------------------------------------------------- */

struct cgroup_walk {
	struct kernfs_node *kn;
	__u32 offset;
	__u32 depth;
	__u32 full;
};

static __always_inline struct kernfs_node *kernfs_parent(enum kernel_read how,
							struct kernfs_node *kn)
{
	if (bpf_core_field_exists(struct kernfs_node___pre615, parent)) {
		struct kernfs_node___pre615 *old = (void *)kn;

		return (void *)KREAD(how, old, parent);
	}
	return KREAD(how, kn, __parent);
}

static __always_inline long cgroup_walk_step(enum kernel_read how,
					     struct cgroup_walk *w)
{
	struct exec_scratch *s = scratch();
	struct kernfs_node *kn = w->kn;
	struct kernfs_node *parent;
	const char *name;
	long n;

	if (!s || !kn)
		return 1;
	parent = kernfs_parent(how, kn);
	if (!parent) /* the hierarchy root has no name of its own */
		return 1;
	if (w->offset >= PICKET_BLOB_LIMIT) {
		w->full = 1;
		return 1;
	}
	name = KREAD(how, kn, name);
	n = bpf_probe_read_kernel_str(&s->blob[w->offset & BLOB_MASK],
				      PICKET_NAME_CAP, name);
	if (n > 0) {
		w->offset += n;
		w->depth++;
	}
	w->kn = parent;
	return 0;
}

/* bpf_loop() callbacks: the direct one only ever sees typed kernfs nodes
 * (the default hierarchy's, reached from the task); the v1 node comes from a
 * helper read and is walked with helper reads. */
static long cgroup_walk_step_direct(__u32 index, void *data)
{
	return cgroup_walk_step(READ_DIRECT, data);
}

static long cgroup_walk_step_probed(__u32 index, void *data)
{
	return cgroup_walk_step(READ_PROBED, data);
}

/* Bounds a cached path's length where the verifier can see it (see
 * clamp_blob_size() for why in asm). */
static __always_inline __u32 clamp_cgroup_path(__u32 length)
{
	asm volatile("if %[len] <= %[max] goto +1; %[len] = %[max]"
		     : [len] "+r"(length)
		     : [max] "i"(PICKET_CGROUP_CACHE_PATH_MAX));
	return length;
}

/* Records the cgroup path written at blob[start, end); returns end. */
static __always_inline __u32 set_cgroup_field(struct exec_scratch *s,
					      __u32 start, __u32 end,
					      __u32 depth)
{
	if (end > start) {
		s->event.fields[PICKET_EXEC_FIELD_CGROUP].offset = start;
		s->event.fields[PICKET_EXEC_FIELD_CGROUP].length = end - start;
	}
	s->event.cgroup_depth = depth;
	return end;
}

static __always_inline __u32 put_cgroup(enum kernel_read how,
					struct exec_scratch *s, __u32 offset,
					struct task_struct *task)
{
	struct css_set *cset = KREAD(how, task, cgroups);
	struct kernfs_node *kn = KREAD(how, cset, dfl_cgrp, kn);
	struct kernfs_node *v1 = NULL;
	struct cgroup_walk w = { .offset = offset };
	struct cgroup_cache_key key = {};
	__u32 generation = cgroup_generation;

	/* Hybrid hierarchies leave tasks at the v2 root; the v1 memory
	 * controller then names the container. */
	if (kn && !kernfs_parent(how, kn) &&
	    bpf_core_enum_value_exists(enum cgroup_subsys_id, memory_cgrp_id)) {
		int id = bpf_core_enum_value(enum cgroup_subsys_id,
					     memory_cgrp_id);
		struct cgroup_subsys_state **subsys =
			__builtin_preserve_access_index(&cset->subsys[0]);
		struct cgroup_subsys_state *css = NULL;

		if (id >= 0 && id < 64)
			bpf_probe_read_kernel(&css, sizeof(css), subsys + id);
		if (css) {
			struct kernfs_node *node = BPF_CORE_READ(css, cgroup, kn);

			if (node && kernfs_parent(READ_PROBED, node)) {
				v1 = node;
				s->event.flags |= PICKET_EXEC_F_CGROUP_V1;
			}
		}
	}
	/* The root of a hierarchy has no path to cache (no walk step). */
	if (v1) {
		key.hierarchy = CGROUP_V1_MEMORY;
		key.node_id = BPF_CORE_READ(v1, id);
	} else if (kn && kernfs_parent(how, kn)) {
		key.hierarchy = CGROUP_V2;
		key.node_id = KREAD(how, kn, id);
	}
	if (key.hierarchy) {
		struct cgroup_cache_entry *hit =
			bpf_map_lookup_elem(&cgroup_paths, &key);

		if (hit && hit->generation == generation &&
		    offset + hit->length <= PICKET_BLOB_LIMIT) {
			__u32 length = clamp_cgroup_path(hit->length);

			if (length > 0 &&
			    bpf_probe_read_kernel(&s->blob[offset & BLOB_MASK],
						  length, hit->path) == 0) {
				count(PICKET_COUNTER_CGROUP_CACHE_HIT);
				return set_cgroup_field(s, offset,
							offset + length,
							hit->depth);
			}
		}
		count(PICKET_COUNTER_CGROUP_CACHE_MISS);
	}

	if (v1) {
		w.kn = v1;
		bpf_loop(PICKET_PATH_WALK_MAX, cgroup_walk_step_probed, &w, 0);
	} else {
		w.kn = kn;
		bpf_loop(PICKET_PATH_WALK_MAX,
			 how == READ_DIRECT ? cgroup_walk_step_direct :
					      cgroup_walk_step_probed,
			 &w, 0);
	}
	if (w.full)
		s->event.flags |= PICKET_EXEC_F_BLOB_FULL;
	else if (key.hierarchy && w.offset > offset &&
		 w.offset - offset <= PICKET_CGROUP_CACHE_PATH_MAX) {
		struct cgroup_cache_entry *entry = &s->cgroup_entry;
		__u32 length = clamp_cgroup_path(w.offset - offset);

		entry->generation = generation;
		entry->length = length;
		entry->depth = w.depth;
		if (bpf_probe_read_kernel(entry->path, length,
					  &s->blob[offset & BLOB_MASK]) == 0)
			bpf_map_update_elem(&cgroup_paths, &key, entry,
					    BPF_ANY);
	}
	return set_cgroup_field(s, offset, w.offset, w.depth);
}

/* ---- exec: fixed part ----------------------------------------------------- */

static __always_inline void fill_file(enum kernel_read how,
				      struct picket_exec_event *e,
				      struct file *file)
{
	struct inode *inode = KREAD(how, file, f_inode);
	struct super_block *sb = KREAD(how, inode, i_sb);
	struct vfsmount *vfsmnt = KREAD(how, file, f_path.mnt);
	struct file_system_type *fstype = KREAD(how, sb, s_type);
	const char *fstype_name = KREAD(how, fstype, name);

	e->file_inode = KREAD(how, inode, i_ino);
	e->file_dev = KREAD(how, sb, s_dev);
	e->file_mode = KREAD(how, inode, i_mode);
	e->file_uid = KREAD(how, inode, i_uid.val);
	e->file_gid = KREAD(how, inode, i_gid.val);
	e->file_nlink = KREAD(how, inode, __i_nlink);
	e->file_mount_id = BPF_CORE_READ(real_mount(vfsmnt), mnt_id);
	bpf_probe_read_kernel_str(e->file_fstype, sizeof(e->file_fstype),
				  fstype_name);

	if (bpf_core_field_exists(inode->i_mtime_sec)) {
		/* 6.11+ */
		e->file_mtime_ns =
			KREAD(how, inode, i_mtime_sec) * 1000000000ull +
			KREAD(how, inode, i_mtime_nsec);
		e->file_ctime_ns =
			KREAD(how, inode, i_ctime_sec) * 1000000000ull +
			KREAD(how, inode, i_ctime_nsec);
	} else {
		struct inode___pre611 *old = (void *)inode;
		struct timespec64 mtime = BPF_CORE_READ(old, i_mtime);
		struct timespec64 ctime;

		if (bpf_core_field_exists(old->i_ctime))
			ctime = BPF_CORE_READ(old, i_ctime);
		else
			ctime = BPF_CORE_READ((struct inode___v66 *)inode,
					      __i_ctime);
		e->file_mtime_ns = mtime.tv_sec * 1000000000ull + mtime.tv_nsec;
		e->file_ctime_ns = ctime.tv_sec * 1000000000ull + ctime.tv_nsec;
	}
}

static __always_inline void fill_task(enum kernel_read how,
				      struct picket_exec_event *e,
				      struct task_struct *task)
{
	struct task_struct *real_parent = KREAD(how, task, real_parent);
	const struct cred *cred = KREAD(how, task, cred);
	struct nsproxy *nsproxy = KREAD(how, task, nsproxy);
	struct tty_struct *tty = KREAD(how, task, signal, tty);

	e->start_boot_ns = group_start(how, task);
	e->ppid = KREAD(how, real_parent, tgid);
	e->parent_start_boot_ns = group_start(how, real_parent);
	e->cgroup_id = bpf_get_current_cgroup_id();

	e->uid = KREAD(how, cred, uid.val);
	e->gid = KREAD(how, cred, gid.val);
	e->euid = KREAD(how, cred, euid.val);
	e->egid = KREAD(how, cred, egid.val);
	e->fsuid = KREAD(how, cred, fsuid.val);
	e->fsgid = KREAD(how, cred, fsgid.val);
	/* kernel_cap_t is u64 (6.3+) or u32[2]; 8 bytes either way. */
	BPF_CORE_READ_INTO(&e->cap_effective, cred, cap_effective);
	BPF_CORE_READ_INTO(&e->cap_permitted, cred, cap_permitted);
	e->loginuid = 0xffffffff;
	e->session_id = 0xffffffff;
	if (bpf_core_field_exists(task->loginuid))
		e->loginuid = KREAD(how, task, loginuid.val);
	if (bpf_core_field_exists(task->sessionid))
		e->session_id = KREAD(how, task, sessionid);

	if (nsproxy) {
		e->ns_mnt = KREAD(how, nsproxy, mnt_ns, ns.inum);
		e->ns_pid =
			KREAD(how, nsproxy, pid_ns_for_children, ns.inum);
		e->ns_net = KREAD(how, nsproxy, net_ns, ns.inum);
		e->ns_cgroup = KREAD(how, nsproxy, cgroup_ns, ns.inum);
	}
	bpf_get_current_comm(e->comm, sizeof(e->comm));
	if (tty)
		bpf_core_read_str(e->tty, sizeof(e->tty), &tty->name);
}

/* ---- exec ----------------------------------------------------------------- */

/* Clamps in inline asm: clang 14 folds a C min() into a form whose bound the
 * verifier loses, and bpf_ringbuf_output() needs a provably bounded size. */
static __always_inline __u64 clamp_blob_size(__u64 size)
{
	asm volatile("if %[size] <= %[max] goto +1; %[size] = %[max]"
		     : [size] "+r"(size)
		     : [max] "i"(PICKET_BLOB_CAPACITY));
	return size;
}

static __always_inline __u64 clamp_record_size(__u64 size)
{
	asm volatile("if %[size] <= %[max] goto +1; %[size] = %[max]"
		     : [size] "+r"(size)
		     : [max] "i"(sizeof(struct exec_scratch)));
	return size;
}

/* Whether the exec's comm, or the name of the file it ran (the first
 * component of FIELD_PATH, which is stored leaf first), is in
 * urgent_exec_names. Both are looked up: a symlink's comm (nc) differs from
 * the file it resolves to (nc.openbsd), and a #! script's comm names the
 * script while FIELD_PATH is its interpreter. */
static __always_inline int is_urgent_exec(struct exec_scratch *s)
{
	struct picket_exec_name key;
	const struct picket_blob_ref *path =
		&s->event.fields[PICKET_EXEC_FIELD_PATH];

	if (!urgent_names_active)
		return 0;
	__builtin_memcpy(&key, s->event.comm, sizeof(key));
	if (bpf_map_lookup_elem(&urgent_exec_names, &key))
		return 1;
	if (path->length == 0)
		return 0;
	__builtin_memset(&key, 0, sizeof(key));
	if (bpf_probe_read_kernel_str(key.name, sizeof(key.name),
				      &s->blob[path->offset & BLOB_MASK]) <= 0)
		return 0;
	return bpf_map_lookup_elem(&urgent_exec_names, &key) != NULL;
}

static __always_inline int handle_exec(enum kernel_read how,
				       struct task_struct *task, pid_t old_pid,
				       struct linux_binprm *bprm)
{
	struct exec_scratch *s = scratch();
	struct picket_exec_event *e;
	const char *filename, *interp;
	struct file *file;
	struct mm_struct *mm;
	__u32 offset = 0, size;
	__u32 tgid;
	char first = 0;

	if (!s)
		return 0;
	e = &s->event;
	__builtin_memset(e, 0, sizeof(*e));

	tgid = KREAD(how, task, tgid);
	fill_task(how, e, task);
	if ((__u32)old_pid != tgid)
		e->flags |= PICKET_EXEC_F_NON_LEADER;
	if (BPF_CORE_READ_BITFIELD_PROBED(bprm, secureexec))
		e->flags |= PICKET_EXEC_F_SECUREEXEC;
	if (bpf_core_field_exists(struct linux_binprm___comm_from_dentry,
				  comm_from_dentry) &&
	    BPF_CORE_READ_BITFIELD_PROBED(
		    (struct linux_binprm___comm_from_dentry *)bprm,
		    comm_from_dentry))
		e->flags |= PICKET_EXEC_F_COMM_FROM_DENTRY;

	file = KREAD(how, bprm, file);
	fill_file(how, e, file);

	filename = KREAD(how, bprm, filename);
	interp = KREAD(how, bprm, interp);
	offset = put_kernel_string(s, PICKET_EXEC_FIELD_FILENAME, offset,
				   filename);
	if (interp != filename) {
		e->flags |= PICKET_EXEC_F_SCRIPT;
		offset = put_kernel_string(s, PICKET_EXEC_FIELD_INTERP, offset,
					   interp);
	}
	offset = put_path(how, s, PICKET_EXEC_FIELD_PATH, offset,
			  KREAD(how, file, f_path.dentry),
			  KREAD(how, file, f_path.mnt), &e->path_depth,
			  PICKET_EXEC_F_PATH_TRUNC);

	bpf_probe_read_kernel(&first, 1, filename);
	if (first != '/') {
		struct fs_struct *fs = KREAD(how, task, fs);

		offset = put_path(how, s, PICKET_EXEC_FIELD_CWD, offset,
				  KREAD(how, fs, pwd.dentry),
				  KREAD(how, fs, pwd.mnt), &e->cwd_depth,
				  PICKET_EXEC_F_CWD_TRUNC);
	}
	offset = put_cgroup(how, s, offset, task);

	mm = KREAD(how, task, mm);
	offset = put_user_area(
		s, PICKET_EXEC_FIELD_ARGV, offset, KREAD(how, mm, arg_start),
		KREAD(how, mm, arg_end),
		argv_cap > PICKET_ARGS_CAP_MAX ? PICKET_ARGS_CAP_MAX : argv_cap,
		&e->args_size, PICKET_EXEC_F_ARGS_TRUNC);
	if (env_cap > 0)
		offset = put_user_area(s, PICKET_EXEC_FIELD_ENVP, offset,
				       KREAD(how, mm, env_start),
				       KREAD(how, mm, env_end),
				       env_cap > PICKET_ARGS_CAP_MAX
					       ? PICKET_ARGS_CAP_MAX
					       : env_cap,
				       &e->env_size, PICKET_EXEC_F_ENV_TRUNC);

	size = sizeof(*e) + clamp_blob_size(offset);
	fill_header(&e->header, size, PICKET_EVENT_EXEC, tgid, old_pid);
	submit(s, clamp_record_size(size), PICKET_COUNTER_EMITTED_EXEC,
	       PICKET_COUNTER_LOST_EXEC, is_urgent_exec(s));
	return 0;
}

SEC("tp_btf/sched_process_exec")
int BPF_PROG(exec_btf, struct task_struct *task, pid_t old_pid,
	     struct linux_binprm *bprm)
{
	return handle_exec(READ_DIRECT, task, old_pid, bprm);
}

SEC("raw_tp/sched_process_exec")
int BPF_PROG(exec_raw, struct task_struct *task, pid_t old_pid,
	     struct linux_binprm *bprm)
{
	return handle_exec(READ_PROBED, task, old_pid, bprm);
}
