/* SPDX-License-Identifier: ISC */
/* scrollback.c - bounded line ring with a scroll anchor that new lines do not move (pure). */
#include "scrollback.h"

#include <stdlib.h>
#include <string.h>

#include "errmsg.h"
#include "wrap.h"

void sb_init(struct scrollback *sb, size_t cap)
{
	memset(sb, 0, sizeof *sb);
	sb->cap = cap > 0 ? cap : 1;
	sb->ring = xcalloc(sb->cap, sizeof *sb->ring);
	sb->next_seq = 1;
	sb->following = true;
}

void sb_clear(struct scrollback *sb)
{
	for (size_t i = 0; i < sb->count; i++)
		free(sb->ring[(sb->head + i) % sb->cap].text);
	sb->head = sb->count = 0;
	sb_scroll_bottom(sb);
}

void sb_free(struct scrollback *sb)
{
	sb_clear(sb);
	free(sb->ring);
	sb->ring = NULL;
}

/* The i-th line; i must be below count. */
static const struct sb_line *line_at(const struct scrollback *sb, size_t i)
{
	return &sb->ring[(sb->head + i) % sb->cap];
}

const struct sb_line *sb_at(const struct scrollback *sb, size_t i)
{
	return i < sb->count ? &sb->ring[(sb->head + i) % sb->cap] : NULL;
}

long sb_index(const struct scrollback *sb, uint64_t seq)
{
	/* Stored seqs are consecutive, so the index is a subtraction. */
	uint64_t first = sb->count > 0 ? sb->ring[sb->head].seq : 0;

	if (sb->count == 0 || seq < first || seq - first >= sb->count)
		return -1;
	return (long)(seq - first);
}

uint64_t sb_push(struct scrollback *sb, const struct sb_line *l)
{
	struct sb_line *slot;

	if (sb->count == sb->cap) {
		slot = &sb->ring[sb->head];
		free(slot->text);
		sb->head = (sb->head + 1) % sb->cap;
		sb->count--;
		/* The reader's line was dropped: keep the view at the oldest line left. */
		if (!sb->following && sb->count > 0 && sb_index(sb, sb->anchor) < 0) {
			sb->anchor = sb->ring[sb->head].seq;
			sb->skip = 0;
		}
	}
	slot = &sb->ring[(sb->head + sb->count) % sb->cap];
	*slot = *l;
	slot->text = xstrndup(l->text, l->len);
	slot->seq = sb->next_seq++;
	sb->count++;
	/* A line that arrives while the view follows the bottom is seen at once. */
	if (sb->following)
		sb->seen = slot->seq;
	return slot->seq;
}

bool sb_replace(struct scrollback *sb, uint64_t seq, const struct sb_line *l)
{
	long i = sb_index(sb, seq);
	struct sb_line *slot;

	if (i < 0)
		return false;
	slot = &sb->ring[(sb->head + (size_t)i) % sb->cap];
	free(slot->text);
	*slot = *l;
	slot->text = xstrndup(l->text, l->len);
	slot->seq = seq;
	return true;
}

size_t sb_indent(const struct sb_line *l, size_t width)
{
	/* A long nick in a narrow pane would leave later rows a column or two wide. */
	return l->prefix_cols <= width / 2 ? l->prefix_cols : width / 4;
}

size_t sb_line_rows(const struct sb_line *l, size_t width)
{
	return wrap_text(l->text, l->len, width, sb_indent(l, width), NULL, 0);
}

bool sb_bottom(const struct scrollback *sb, size_t width, size_t *index, size_t *skip)
{
	long i = sb->following ? -1 : sb_index(sb, sb->anchor);
	size_t r;

	if (sb->count == 0)
		return false;
	*index = i < 0 ? sb->count - 1 : (size_t)i;
	*skip = 0;
	if (i >= 0) {
		r = sb_line_rows(line_at(sb, *index), width);
		/* After a resize the line may have fewer rows than were hidden. */
		*skip = sb->skip < r ? sb->skip : r - 1;
	}
	return true;
}

/* Anchor the view at (index, skip); the lines down to there have been seen. */
static void anchor(struct scrollback *sb, size_t index, size_t skip)
{
	sb->following = false;
	sb->anchor = line_at(sb, index)->seq;
	sb->skip = skip;
	if (sb->anchor > sb->seen)
		sb->seen = sb->anchor;
}

/* A scroll ends at (index, skip) and forgets the hit; the newest line in full means following. */
static void set_view(struct scrollback *sb, size_t index, size_t skip)
{
	if (index + 1 >= sb->count && skip == 0) {
		sb_scroll_bottom(sb);
		return;
	}
	anchor(sb, index, skip);
	sb->hit = 0;
}

/* The view whose top row is the oldest line's first row; following if everything fits. */
static void top_view(const struct scrollback *sb, size_t width, size_t height, size_t *index,
		     size_t *skip)
{
	size_t total = 0;

	for (size_t i = 0; i < sb->count; i++) {
		total += sb_line_rows(line_at(sb, i), width);
		if (total >= height) {
			*index = i;
			*skip = total - height;
			return;
		}
	}
	*index = sb->count - 1;
	*skip = 0;
}

/* Keep the pane full: never scroll so far up that blank rows show above the oldest line. */
static void clamp_top(struct scrollback *sb, size_t *index, size_t *skip, size_t width,
		      size_t height)
{
	size_t total = 0;

	for (size_t i = *index + 1; i-- > 0;) {
		total += sb_line_rows(line_at(sb, i), width);
		if (total >= height + *skip)
			return; /* the rows down to the view's bottom fill the pane */
	}
	top_view(sb, width, height, index, skip);
}

void sb_scroll_up(struct scrollback *sb, size_t rows, size_t width, size_t height)
{
	size_t index, skip;

	if (!sb_bottom(sb, width, &index, &skip))
		return;
	/* One row at a time: a page is a few dozen rows. */
	for (; rows > 0; rows--) {
		if (skip + 1 < sb_line_rows(line_at(sb, index), width)) {
			skip++;
		} else if (index > 0) {
			index--;
			skip = 0;
		} else {
			break;
		}
	}
	clamp_top(sb, &index, &skip, width, height);
	set_view(sb, index, skip);
}

void sb_scroll_down(struct scrollback *sb, size_t rows, size_t width)
{
	size_t index, skip;

	if (sb->following || !sb_bottom(sb, width, &index, &skip))
		return;
	for (; rows > 0; rows--) {
		if (skip > 0) {
			skip--;
		} else if (index + 1 < sb->count) {
			index++;
			skip = sb_line_rows(line_at(sb, index), width) - 1;
		} else {
			break;
		}
	}
	set_view(sb, index, skip);
}

void sb_scroll_top(struct scrollback *sb, size_t width, size_t height)
{
	size_t index, skip;

	if (sb->count == 0)
		return;
	top_view(sb, width, height, &index, &skip);
	set_view(sb, index, skip);
}

void sb_scroll_bottom(struct scrollback *sb)
{
	sb->hit = 0;
	sb->following = true;
	sb->skip = 0;
	sb->seen = sb->next_seq - 1;
}

size_t sb_unseen(const struct scrollback *sb)
{
	size_t n = 0;

	if (sb->following)
		return 0;
	for (size_t i = sb->count; i-- > 0 && line_at(sb, i)->seq > sb->seen;) {
		enum sb_kind k = line_at(sb, i)->kind; /* messages, not notices or our own lines */

		n += k == SB_MSG || k == SB_OWN || k == SB_ACTION;
	}
	return n;
}

/* ASCII lower case of c; other bytes (UTF-8 included) stay as they are. */
static char fold(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

/* ASCII case-insensitive substring search in s[0..n). */
static bool contains(const char *s, size_t n, const char *needle)
{
	size_t m = strlen(needle);

	if (m == 0)
		return false;
	for (size_t i = 0; i + m <= n; i++) {
		size_t j = 0;

		while (j < m && fold(s[i + j]) == fold(needle[j]))
			j++;
		if (j == m)
			return true;
	}
	return false;
}

/* Whether c can be part of a nick (PROTOCOL.md section 4), '.' aside: it ends sentences. */
static bool nick_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '_' || c == '-';
}

bool sb_mentions(const char *text, size_t n, const char *nick)
{
	size_t m = strlen(nick);

	if (m == 0)
		return false;
	for (size_t i = 0; i + m <= n; i++) {
		if ((i > 0 && nick_char(text[i - 1])) || (i + m < n && nick_char(text[i + m])))
			continue;
		if (contains(text + i, m, nick))
			return true;
	}
	return false;
}

/* Whether a line is what a search looks for: the client's own lines and markers never are. */
static bool matches(const struct sb_line *l, const char *needle)
{
	if (l->kind == SB_INFO || l->kind == SB_ERROR || l->kind == SB_MARK)
		return false;
	if (needle == NULL)
		return l->mention;
	return contains(l->text + l->body_off, l->len - l->body_off, needle);
}

/* Anchor the view at the search hit i. */
static void show_hit(struct scrollback *sb, size_t i, size_t width, size_t height)
{
	size_t index = i, skip = 0;

	/* Near the top the pane stays full; the hit is then above the bottom row but in view. */
	clamp_top(sb, &index, &skip, width, height);
	/* Anchored even at the newest line, so the next search goes on from here. */
	anchor(sb, index, skip);
	sb->hit = line_at(sb, i)->seq;
}

enum sb_found sb_search(struct scrollback *sb, const char *needle, bool older, size_t width,
			size_t height)
{
	size_t index, skip;
	long n = (long)sb->count, step = older ? -1 : 1, from, start;

	if (!sb_bottom(sb, width, &index, &skip))
		return SB_NOT_FOUND;
	/* From the last hit, else from the view's bottom line, which counts while following. */
	from = sb_index(sb, sb->hit);
	start = from >= 0 ? from + step : (long)index + (sb->following && older ? 0 : step);
	/* Every line once, from start on, going round past the end (the last hit comes last). */
	for (long k = 0; k < n; k++) {
		long i = start + k * step;
		bool wrapped = i < 0 || i >= n;

		i = ((i % n) + n) % n;
		if (!matches(line_at(sb, (size_t)i), needle))
			continue;
		show_hit(sb, (size_t)i, width, height);
		return wrapped ? SB_FOUND_WRAPPED : SB_FOUND;
	}
	return SB_NOT_FOUND;
}
