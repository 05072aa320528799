/* SPDX-License-Identifier: ISC */
/* report.c - turning results into the table a person reads, JSON, or BENCHMARKS.md rows. */
#include "report.h"

#include <inttypes.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

const char *target_name(enum target_kind t)
{
	return t == TARGET_RELAY ? "relay" : "natter";
}

const char *transport_name(enum transport_kind t)
{
	return t == TRANSPORT_TCP ? "tcp" : "unix";
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* The median of the double at byte offset off in each of k results. */
static double median_at(const struct result *runs, int k, size_t off)
{
	double v[BENCH_MAX_REPEAT];

	for (int i = 0; i < k; i++)
		memcpy(&v[i], (const char *)&runs[i] + off, sizeof v[i]);
	qsort(v, (size_t)k, sizeof v[0], cmp_double);
	return k % 2 ? v[k / 2] : (v[k / 2 - 1] + v[k / 2]) / 2;
}

void report_median(const struct result *runs, int k, struct result *out)
{
	static const size_t doubles[] = {
	    offsetof(struct result, elapsed_s),	    offsetof(struct result, deliveries_per_s),
	    offsetof(struct result, msgs_per_s),    offsetof(struct result, offered_per_s),
	    offsetof(struct result, p50_us),	    offsetof(struct result, p99_us),
	    offsetof(struct result, max_us),	    offsetof(struct result, connect_s),
	    offsetof(struct result, bcast_ms),	    offsetof(struct result, rss_per_idle_b),
	    offsetof(struct result, srv_cpu_s),	    offsetof(struct result, srv_cpu_pct),
	    offsetof(struct result, bench_cpu_pct), offsetof(struct result, per_srv_cpu_s),
	};
	double hwm[BENCH_MAX_REPEAT], rss[BENCH_MAX_REPEAT];

	*out = runs[0];
	for (size_t d = 0; d < sizeof doubles / sizeof doubles[0]; d++) {
		double m = median_at(runs, k, doubles[d]);

		memcpy((char *)out + doubles[d], &m, sizeof m);
	}
	out->lost = out->dup = out->sent = out->deliveries = 0;
	for (int i = 0; i < k; i++) {
		out->lost += runs[i].lost;
		out->dup += runs[i].dup;
		out->sent += runs[i].sent;
		out->deliveries += runs[i].deliveries;
		out->have_srv = out->have_srv && runs[i].have_srv;
		if (!runs[i].ok && out->ok) {
			out->ok = false;
			memcpy(out->err, runs[i].err, sizeof out->err);
		}
		hwm[i] = (double)runs[i].srv_hwm_kib;
		rss[i] = (double)runs[i].srv_rss_kib;
	}
	qsort(hwm, (size_t)k, sizeof hwm[0], cmp_double);
	qsort(rss, (size_t)k, sizeof rss[0], cmp_double);
	out->srv_hwm_kib = (long)hwm[k / 2];
	out->srv_rss_kib = (long)rss[k / 2];
}

/* The relay result for the same transport as r, or NULL. */
static const struct result *relay_for(const struct result *med, int nmed, const struct result *r)
{
	for (int i = 0; i < nmed; i++)
		if (med[i].target == TARGET_RELAY && med[i].transport == r->transport)
			return &med[i];
	return NULL;
}

static void describe(char *out, size_t cap, const struct bench_opts *o)
{
	char who[96], pace[96];

	if (o->idle > 0) {
		snprintf(out, cap, "%" PRIu32 " idle clients, one broadcast of %" PRIu32 " bytes",
			 o->idle, o->size);
		return;
	}
	snprintf(who, sizeof who, "%" PRIu32 " sender(s) -> %" PRIu32 " %sreceivers%s", o->senders,
		 o->receivers, o->line ? "line-mode " : "", o->rooms > 1 ? " in rooms" : "");
	if (o->rooms > 1)
		snprintf(who + strlen(who), sizeof who - strlen(who), " (%" PRIu32 ")", o->rooms);
	if (o->rate > 0)
		snprintf(pace, sizeof pace, "at %.0f msg/s", o->rate);
	else
		snprintf(pace, sizeof pace, "full speed");
	snprintf(out, cap, "%s, %" PRIu64 " messages of %" PRIu32 " bytes, %s, window %" PRIu32,
		 who, o->messages, o->size, pace, o->window);
}

/* A ratio cell: "0.62x", or "-" when there is nothing to compare. */
static void ratio(char *out, size_t cap, double a, double b)
{
	if (b > 0 && a > 0)
		snprintf(out, cap, "%.2fx", a / b);
	else
		snprintf(out, cap, "-");
}

/* The server's CPU %, peak RSS and deliveries per CPU-second cells; "n/a" when not measured. */
static void srv_cells(const struct result *r, char *cpu, char *hwm, char *per, size_t cap)
{
	snprintf(cpu, cap, "n/a");
	snprintf(hwm, cap, "n/a");
	snprintf(per, cap, "n/a");
	if (!r->have_srv)
		return;
	snprintf(cpu, cap, "%.0f", r->srv_cpu_pct);
	snprintf(hwm, cap, "%ld", r->srv_hwm_kib);
	if (r->per_srv_cpu_s > 0)
		snprintf(per, cap, "%.0f", r->per_srv_cpu_s);
}

static bool generator_bound(const struct result *r)
{
	return r->bench_cpu_pct > GENERATOR_BOUND_PCT;
}

/* The bench CPU cell: the number, marked when natter-bench may have been the limit. */
static void bench_cell(const struct result *r, char *out, size_t cap)
{
	snprintf(out, cap, "%.0f%s", r->bench_cpu_pct,
		 generator_bound(r) ? " (generator-bound)" : "");
}

static void print_load_row(FILE *out, bool md, const char *config, const struct result *r,
			   const struct result *relay)
{
	char cpu[32], hwm[32], per[32], bench[48], tput[32] = "-", eff[32] = "-", p99[32] = "-";

	srv_cells(r, cpu, hwm, per, sizeof cpu);
	bench_cell(r, bench, sizeof bench);
	if (relay != NULL && r->target == TARGET_NATTER) {
		ratio(tput, sizeof tput, r->deliveries_per_s, relay->deliveries_per_s);
		ratio(eff, sizeof eff, r->per_srv_cpu_s, relay->per_srv_cpu_s);
		ratio(p99, sizeof p99, r->p99_us, relay->p99_us);
	}
	if (md)
		fprintf(out,
			"| %s | %s | %s | %.0f | %s | %.0f | %.0f | %.0f | %.0f | %" PRIu64
			" | %" PRIu64 " | %s | %s | %s | %s | %s | %s |\n",
			config, target_name(r->target), transport_name(r->transport),
			r->deliveries_per_s, per, r->msgs_per_s, r->p50_us, r->p99_us, r->max_us,
			r->lost, r->dup, cpu, hwm, bench, tput, eff, p99);
	else
		fprintf(out,
			"%-7s %-5s %11.0f %11s %9.0f %8.0f %8.0f %8.0f %5" PRIu64 " %4" PRIu64
			" %7s %10s %9.0f %8s %8s %8s%s%s\n",
			target_name(r->target), transport_name(r->transport), r->deliveries_per_s,
			per, r->msgs_per_s, r->p50_us, r->p99_us, r->max_us, r->lost, r->dup, cpu,
			hwm, r->bench_cpu_pct, tput, eff, p99,
			r->ok ? "" : "  FAILED: ", r->ok ? "" : r->err);
}

static void print_idle_row(FILE *out, bool md, const char *config, const struct bench_opts *o,
			   const struct result *r)
{
	char per_client[32] = "n/a", hwm[32], cpu[32], per[32];

	srv_cells(r, cpu, hwm, per, sizeof cpu);
	if (r->have_srv)
		snprintf(per_client, sizeof per_client, "%.0f", r->rss_per_idle_b);
	if (md)
		fprintf(out,
			"| %s | %s | %s | %" PRIu32 " | %.2f | %s | %.1f | %s | %s | %" PRIu64
			" |\n",
			config, target_name(r->target), transport_name(r->transport), o->idle,
			r->connect_s, per_client, r->bcast_ms, per, hwm, r->lost);
	else
		fprintf(out,
			"%-7s %-5s %8" PRIu32 " %10.2f %12s %12.1f %12s %11s %6" PRIu64 "%s%s\n",
			target_name(r->target), transport_name(r->transport), o->idle, r->connect_s,
			per_client, r->bcast_ms, per, hwm, r->lost,
			r->ok ? "" : "  FAILED: ", r->ok ? "" : r->err);
}

static void print_header(FILE *out, bool md, bool idle)
{
	if (idle && md)
		fputs("| configuration | target | transport | idle clients | connect + handshake s "
		      "| server RSS per idle client (bytes) | broadcast to all ms | broadcast "
		      "deliveries per server CPU-s | server peak RSS KiB | lost |\n"
		      "|---|---|---|---:|---:|---:|---:|---:|---:|---:|\n",
		      out);
	else if (idle)
		fputs("target  trans     idle  connect_s  rss/client_B  bcast_all_ms  "
		      "deliv/srvCPUs  srv_HWM_KiB   lost\n",
		      out);
	else if (md)
		fputs(
		    "| configuration | target | transport | deliveries/s | deliveries per server "
		    "CPU-s | messages/s | p50 µs | p99 µs | max µs | lost | dup | server CPU % | "
		    "server peak RSS KiB | bench CPU % | deliveries/s natter/relay | deliveries "
		    "per CPU-s natter/relay | p99 natter/relay |\n"
		    "|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
		    "---:|\n",
		    out);
	else
		fputs(
		    "target  trans     deliv/s deliv/srvCPUs    msgs/s   p50_us   p99_us   max_us  "
		    "lost  dup srvCPU% srvHWM_KiB benchCPU% vs_relay perCPU_vs p99_vs\n",
		    out);
}

/* In the plain table, say in words when natter-bench may have been the bottleneck. */
static void print_notes(FILE *out, const struct result *med, int nmed)
{
	for (int i = 0; i < nmed; i++)
		if (generator_bound(&med[i]))
			fprintf(
			    out,
			    "note: natter-bench used %.0f%% of its CPU in the %s/%s run: the load "
			    "generator, not the server, may be the bottleneck there; compare "
			    "deliveries per server CPU-second rather than deliveries/s\n",
			    med[i].bench_cpu_pct, target_name(med[i].target),
			    transport_name(med[i].transport));
}

static void print_table(FILE *out, const struct bench_opts *o, const struct result *med, int nmed)
{
	bool md = o->format == FORMAT_MARKDOWN;
	char config[256];

	if (o->label != NULL)
		snprintf(config, sizeof config, "%s", o->label);
	else
		describe(config, sizeof config, o);
	if (!md)
		fprintf(out, "natter-bench: %s; median of %d run(s)\n", config, o->repeat);
	print_header(out, md, o->idle > 0);
	for (int i = 0; i < nmed; i++) {
		if (o->idle > 0)
			print_idle_row(out, md, config, o, &med[i]);
		else
			print_load_row(out, md, config, &med[i], relay_for(med, nmed, &med[i]));
	}
	if (!md)
		print_notes(out, med, nmed);
}

/* A JSON string (our error sentences are plain text; escape what JSON requires). */
static void json_str(FILE *out, const char *s)
{
	fputc('"', out);
	for (; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			fprintf(out, "\\%c", c);
		else if (c < 0x20)
			fprintf(out, "\\u%04x", c);
		else
			fputc(c, out);
	}
	fputc('"', out);
}

static void json_result(FILE *out, const struct result *r, const struct result *relay)
{
	fprintf(out, "{\"target\":\"%s\",\"transport\":\"%s\",\"ok\":%s,\"error\":",
		target_name(r->target), transport_name(r->transport), r->ok ? "true" : "false");
	json_str(out, r->err);
	fprintf(out,
		",\"sent\":%" PRIu64 ",\"deliveries\":%" PRIu64 ",\"lost\":%" PRIu64
		",\"duplicated\":%" PRIu64 ",\"elapsed_s\":%.6f,\"deliveries_per_s\":%.1f"
		",\"messages_per_s\":%.1f,\"offered_messages_per_s\":%.1f,\"p50_us\":%.1f"
		",\"p99_us\":%.1f,\"max_us\":%.1f,\"connect_s\":%.4f,\"broadcast_ms\":%.3f"
		",\"bench_cpu_pct\":%.1f,\"generator_bound\":%s",
		r->sent, r->deliveries, r->lost, r->dup, r->elapsed_s, r->deliveries_per_s,
		r->msgs_per_s, r->offered_per_s, r->p50_us, r->p99_us, r->max_us, r->connect_s,
		r->bcast_ms, r->bench_cpu_pct, generator_bound(r) ? "true" : "false");
	if (r->have_srv)
		fprintf(out,
			",\"server\":{\"cpu_s\":%.4f,\"cpu_pct\":%.1f,\"deliveries_per_cpu_s\":%.0f"
			",\"peak_rss_kib\":%ld,\"rss_kib\":%ld,\"rss_per_idle_client_b\":%.1f}",
			r->srv_cpu_s, r->srv_cpu_pct, r->per_srv_cpu_s, r->srv_hwm_kib,
			r->srv_rss_kib, r->rss_per_idle_b);
	else
		fputs(",\"server\":null", out);
	if (relay != NULL && r->target == TARGET_NATTER && relay->deliveries_per_s > 0)
		fprintf(out,
			",\"vs_relay\":{\"deliveries_per_s\":%.4f,\"deliveries_per_cpu_s\":%.4f"
			",\"p99\":%.4f}",
			r->deliveries_per_s / relay->deliveries_per_s,
			relay->per_srv_cpu_s > 0 ? r->per_srv_cpu_s / relay->per_srv_cpu_s : 0.0,
			relay->p99_us > 0 ? r->p99_us / relay->p99_us : 0.0);
	fputc('}', out);
}

static void print_json(FILE *out, const struct bench_opts *o, const struct result *med, int nmed,
		       const struct result *runs, int nruns)
{
	bool ok = true;

	for (int i = 0; i < nmed; i++)
		ok = ok && med[i].ok;
	fprintf(out,
		"{\"tool\":\"natter-bench\",\"config\":{\"mode\":\"%s\",\"receivers\":%" PRIu32
		",\"senders\":%" PRIu32 ",\"messages\":%" PRIu64 ",\"size\":%" PRIu32
		",\"window\":%" PRIu32 ",\"rate\":%.1f,\"rooms\":%" PRIu32 ",\"line\":%s"
		",\"idle\":%" PRIu32 ",\"repeat\":%d,\"spawn\":%s},\"ok\":%s,\n\"median\":[",
		o->idle ? "idle" : "load", o->receivers, o->senders, o->messages, o->size,
		o->window, o->rate, o->rooms, o->line ? "true" : "false", o->idle, o->repeat,
		o->spawn ? "true" : "false", ok ? "true" : "false");
	for (int i = 0; i < nmed; i++) {
		fputs(i ? ",\n" : "\n", out);
		json_result(out, &med[i], relay_for(med, nmed, &med[i]));
	}
	fputs("],\n\"runs\":[", out);
	for (int i = 0; i < nruns; i++) {
		fputs(i ? ",\n" : "\n", out);
		json_result(out, &runs[i], NULL);
	}
	fputs("]}\n", out);
}

void report_print(FILE *out, const struct bench_opts *o, const struct result *med, int nmed,
		  const struct result *runs, int nruns)
{
	if (o->format == FORMAT_JSON)
		print_json(out, o, med, nmed, runs, nruns);
	else
		print_table(out, o, med, nmed);
	fflush(out);
}
