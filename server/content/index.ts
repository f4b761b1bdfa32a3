/**
 * The base layer: the content every module reads and writes (threads, posts, categories, members), through one
 * set of repositories. Modules build on it instead of constructing another module's repositories; it imports
 * nothing from `server/modules/`.
 */
export { CategoriesRepository } from './categories.repository.ts';
export { MembersRepository } from './members.repository.ts';
export { HeadBatcher } from './head-batcher.ts';
export {
  type MemberMarksRead,
  type OverlayRequest,
  type ReaderOverlay,
  ReaderRepository,
  visibleLayer,
} from './reader.repository.ts';
export { TurnBatcher } from './turn-batcher.ts';
export { type PostPageOptions, type PostPageRow, PostsRepository } from './posts.repository.ts';
export {
  type ThreadDetailRow,
  type ThreadListOptions,
  type ThreadListRow,
  ThreadsRepository,
  type ThreadSort,
} from './threads.repository.ts';
export { inHiddenCategory, inSeenCategory, memberSees, threadSeeLevel } from './seen.ts';
