// Test fixture (heap-growth.test.ts): allocates like a busy server — ~40 MB that stays, and a
// stream of objects held in a ring long enough to be promoted and then dropped (~60 MB of them
// alive at any time) — and prints the largest old space seen, in MB. With `bound` as its
// argument it calls boundHeapGrowth() first.
import v8 from "node:v8";
import { boundHeapGrowth } from "../heap-growth";

if (process.argv[2] === "bound") boundHeapGrowth();

const oldSpace = () =>
  v8.getHeapSpaceStatistics().find((space) => space.space_name === "old_space")?.space_size ?? 0;
const kept: object[] = [];
for (let i = 0; i < 400_000; i += 1) kept.push({ i, text: `kept-${i}`, list: [i] });
const ring: object[] = new Array(300_000);
let largest = 0;
for (let i = 0; i < 6_000_000; i += 1) {
  ring[i % ring.length] = { i, text: `passing-${i}`, list: [i, i] };
  if (i % 10_000 === 0) largest = Math.max(largest, oldSpace());
}
console.log(JSON.stringify({ largestOldSpaceMb: largest / 1_048_576, kept: kept.length }));
