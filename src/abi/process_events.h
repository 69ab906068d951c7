/* src/abi/process_events.h
 *
 * The wire format between bpf/process_events.bpf.c and src/decode/: one
 * record per BPF ring-buffer sample. Plain C, fixed-width types, no kernel
 * headers: the BPF side gets __u16/__u32/__u64 from vmlinux.h, user space
 * from <linux/types.h>. Fields are ordered largest first with explicit
 * padding, so both compilers agree on the layout (decode/abi_layout_test.cc
 * checks it). Change anything here -> bump PICKET_ABI_VERSION.
 *
 * Fork and exit records are fixed-size. An exec record is a fixed part
 * followed by a blob of variable data; picket_exec_event.fields[] locates
 * each variable field inside the blob as (offset, length), offsets counted
 * from the first blob byte. decode/ trusts none of it: every reference must
 * lie inside the record's own size.
 *
 * Times are CLOCK_BOOTTIME ns (bpf_ktime_get_boot_ns, task->start_boottime).
 * "pid" is the thread-group id (user-space pid), "tid" a thread id.
 */
#ifndef PICKET_ABI_PROCESS_EVENTS_H_
#define PICKET_ABI_PROCESS_EVENTS_H_

#ifndef __VMLINUX_H__
#include <linux/types.h>
#endif

#define PICKET_ABI_VERSION 1

#define PICKET_COMM_LEN 16
#define PICKET_TTY_LEN 32
#define PICKET_FSTYPE_LEN 16

/* An exec record's blob holds at most PICKET_BLOB_LIMIT bytes at which new
 * fields still start, plus one field that may run past it by up to
 * PICKET_FIELD_CAP_MAX bytes. Both are powers of two so the BPF side can
 * mask offsets and the verifier can prove every write in bounds. */
#define PICKET_BLOB_LIMIT 16384
#define PICKET_FIELD_CAP_MAX 8192
#define PICKET_BLOB_CAPACITY (PICKET_BLOB_LIMIT + PICKET_FIELD_CAP_MAX)
/* Largest capture for argv or envp: one byte under the field cap so that a
 * mask keeps it in bounds. */
#define PICKET_ARGS_CAP_MAX (PICKET_FIELD_CAP_MAX - 1)
/* Bytes read per string (filename, interpreter): PATH_MAX. */
#define PICKET_STRING_CAP 4096
/* Bytes read per path component (NAME_MAX + NUL). */
#define PICKET_NAME_CAP 256
/* Iterations of the in-kernel dentry/mount walk (path components plus
 * mount crossings) before it gives up and sets PICKET_EXEC_F_PATH_TRUNC. */
#define PICKET_PATH_WALK_MAX 64

enum picket_event_kind {
	PICKET_EVENT_FORK = 1,
	PICKET_EVENT_EXEC = 2,
	PICKET_EVENT_EXIT = 3,
};

struct picket_event_header {
	__u64 boot_time_ns; /* bpf_ktime_get_boot_ns() when the record was made */
	__u32 size;	    /* bytes of the whole record, header included */
	__u16 kind;	    /* enum picket_event_kind */
	__u16 abi_version; /* PICKET_ABI_VERSION */
	__u32 pid;	   /* thread group the record is about */
	__u32 tid;	   /* fork: the child's tid; exec: the thread that
			     * called exec (old_pid); exit: the last thread */
};

/* A new thread group (clone without CLONE_THREAD). header.pid = child tgid. */
struct picket_fork_event {
	struct picket_event_header header;
	__u64 start_boot_ns;	    /* child->start_boottime */
	__u64 parent_start_boot_ns; /* real parent's group leader start_boottime */
	__u64 cgroup_id;	    /* cgroup v2 id of the forking task */
	__u32 parent_pid;	    /* child->real_parent->tgid */
	__u32 parent_tid;	    /* the thread that called fork/clone */
};

/* The last thread of a thread group exited (signal->live dropped to 0). */
struct picket_exit_event {
	struct picket_event_header header;
	__u64 start_boot_ns; /* group leader start_boottime */
	__s32 exit_code;     /* task->exit_code: (status << 8) | signal */
	__u32 reserved;
};

/* Variable exec fields, indexes into picket_exec_event.fields[]. */
enum picket_exec_field {
	PICKET_EXEC_FIELD_FILENAME = 0, /* bprm->filename, NUL-terminated */
	PICKET_EXEC_FIELD_INTERP = 1,	/* bprm->interp when != filename (#!) */
	PICKET_EXEC_FIELD_PATH = 2, /* executed file: components, leaf first */
	PICKET_EXEC_FIELD_CWD = 3,  /* cwd components, leaf first; only for a
					 * relative filename */
	PICKET_EXEC_FIELD_ARGV = 4, /* raw argv area: NUL-separated, the last
					 * string cut when truncated */
	PICKET_EXEC_FIELD_ENVP = 5, /* raw envp area, same shape; optional */
	PICKET_EXEC_FIELD_CGROUP = 6, /* cgroup path components, leaf first */
	PICKET_EXEC_FIELD_COUNT =
		8, /* 7 used, 1 reserved (keeps 8-byte size) */
};

/* Bits of picket_exec_event.flags, as the kernel side knows them. decode/
 * maps them onto events::ExecFlag and derives memfd/deleted/through-fd. */
enum picket_exec_flag {
	PICKET_EXEC_F_SCRIPT = 1u << 0,	     /* bprm->interp != filename */
	PICKET_EXEC_F_SECUREEXEC = 1u << 1,  /* bprm->secureexec */
	PICKET_EXEC_F_NON_LEADER = 1u << 2,  /* old_pid != tgid */
	PICKET_EXEC_F_ARGS_TRUNC = 1u << 3,  /* argv larger than the cap */
	PICKET_EXEC_F_ENV_TRUNC = 1u << 4,   /* envp larger than the cap */
	PICKET_EXEC_F_PATH_TRUNC = 1u << 5,  /* walk hit its limit */
	PICKET_EXEC_F_PATH_PSEUDO = 1u << 6, /* walk ended at a pseudo
						   * dentry (memfd, anon inode) */
	PICKET_EXEC_F_CWD_TRUNC = 1u << 7,   /* cwd walk hit its limit */
	PICKET_EXEC_F_BLOB_FULL = 1u << 8,   /* a field was dropped: no room */
	PICKET_EXEC_F_ARGS_UNREADABLE = 1u << 9,   /* argv read faulted */
	PICKET_EXEC_F_COMM_FROM_DENTRY = 1u << 10, /* comm taken from the dentry
						    * (fexecve, 6.14+) */
	PICKET_EXEC_F_CGROUP_V1 = 1u << 11, /* cgroup path is the v1 memory
						   * controller's (v2 at root) */
};

struct picket_blob_ref {
	__u16 offset; /* from the first blob byte */
	__u16 length; /* bytes, terminating NULs included; 0 = absent */
};

struct picket_exec_event {
	struct picket_event_header header;
	__u64 start_boot_ns;	    /* group leader start_boottime */
	__u64 parent_start_boot_ns; /* real parent's group leader start */
	__u64 cgroup_id;	    /* bpf_get_current_cgroup_id() (v2) */
	__u64 cap_effective;
	__u64 cap_permitted;
	__u64 file_inode;    /* bprm->file: for a #! script, the interpreter */
	__u64 file_mtime_ns; /* since the epoch */
	__u64 file_ctime_ns;
	__u32 ppid; /* real parent tgid */
	__u32 uid;
	__u32 gid;
	__u32 euid;
	__u32 egid;
	__u32 fsuid;
	__u32 fsgid;
	__u32 loginuid; /* 0xffffffff when unset or no CONFIG_AUDIT */
	__u32 session_id;
	__u32 file_dev; /* kernel encoding: major << 20 | minor */
	__u32 file_mount_id;
	__u32 file_mode;
	__u32 file_uid;
	__u32 file_gid;
	__u32 file_nlink;
	__u32 ns_mnt;
	__u32 ns_pid;
	__u32 ns_net;
	__u32 ns_cgroup;
	__u32 flags;	    /* enum picket_exec_flag */
	__u32 args_size;    /* bytes of the argv area before truncation */
	__u32 env_size;	    /* bytes of the envp area before truncation */
	__u16 path_depth;   /* components in FIELD_PATH */
	__u16 cwd_depth;    /* components in FIELD_CWD */
	__u16 cgroup_depth; /* components in FIELD_CGROUP */
	__u16 reserved;
	char comm[PICKET_COMM_LEN];
	char tty[PICKET_TTY_LEN];
	char file_fstype[PICKET_FSTYPE_LEN];
	struct picket_blob_ref fields[PICKET_EXEC_FIELD_COUNT];
	/* blob: header.size - sizeof(struct picket_exec_event) bytes */
};

/* Per-CPU counters (BPF_MAP_TYPE_PERCPU_ARRAY "counters"), summed by
 * user space. EMITTED: records accepted by the ring; LOST: records that
 * could not be output (ring full). */
enum picket_counter {
	PICKET_COUNTER_EMITTED_FORK = 0,
	PICKET_COUNTER_EMITTED_EXEC = 1,
	PICKET_COUNTER_EMITTED_EXIT = 2,
	PICKET_COUNTER_LOST_FORK = 3,
	PICKET_COUNTER_LOST_EXEC = 4,
	PICKET_COUNTER_LOST_EXIT = 5,
	/* Exec records whose cgroup path came from the kernel side's cache of
	 * walked paths (HIT) or from a walk (MISS; the walk then fills it). */
	PICKET_COUNTER_CGROUP_CACHE_HIT = 6,
	PICKET_COUNTER_CGROUP_CACHE_MISS = 7,
	/* Wake-ups forced because wakeup_threshold bytes were pending (at most
	 * one per drain, see threshold_woken in the BPF program). */
	PICKET_COUNTER_THRESHOLD_WAKEUPS = 8,
	/* Wake-ups forced by an exec whose comm or file name is in the
	 * urgent_exec_names map (at most one per drain, see urgent_woken). */
	PICKET_COUNTER_URGENT_WAKEUPS = 9,
	PICKET_COUNTER_COUNT = 10,
};

/* Key of the urgent_exec_names map: a comm as the kernel keeps it, or an
 * executed file's name cut the same way (15 bytes, NUL, zero padding).
 * An exec whose comm or file name is a key wakes the consumer at once
 * instead of at its next batching interval. */
struct picket_exec_name {
	char name[PICKET_COMM_LEN];
};

#define PICKET_URGENT_NAMES_MAX 4096

/* Bytes of cgroup path (components, leaf first, as in FIELD_CGROUP) one
 * cache entry holds; a longer path is walked on every exec. */
#define PICKET_CGROUP_CACHE_PATH_MAX 512

#endif /* PICKET_ABI_PROCESS_EVENTS_H_ */
