/* SPDX-License-Identifier: ISC */
/* rooms.c - pure: the client core's sets of room names (joined, to rejoin, resumed). */
#include <string.h>

#include "core_int.h"
#include "text.h"

bool rooms_same(const char *a, struct str b)
{
	return nick_equal(a, strlen(a), b.p, b.len);
}

int rooms_find(const struct core_rooms *set, struct str room)
{
	for (size_t i = 0; i < set->n; i++)
		if (rooms_same(set->name[i], room))
			return (int)i;
	return -1;
}

void rooms_add(struct core_rooms *set, struct str room)
{
	size_t n = utf8_truncate(room.p, room.len, CORE_ROOM_BYTES - 1);

	if (rooms_find(set, room) >= 0 || set->n == CORE_MAX_ROOMS || n == 0)
		return;
	memcpy(set->name[set->n], room.p, n);
	set->name[set->n++][n] = '\0';
}

void rooms_remove(struct core_rooms *set, struct str room)
{
	int i = rooms_find(set, room);

	if (i < 0)
		return;
	memmove(set->name[i], set->name[i + 1], (set->n - (size_t)i - 1) * sizeof set->name[0]);
	set->n--;
}
