import type { BreadcrumbList, DiscussionForumPosting, Person, QAPage, WithContext } from 'schema-dts';

/**
 * A public page's <head>: title, description, canonical URL, OpenGraph and Twitter cards, and schema.org data
 * (Google's QAPage for questions, DiscussionForumPosting for the other threads, BreadcrumbList). Pure: the
 * service gathers the data, this writes the markup.
 */
export interface PageHead {
  title: string;
  description: string;
  canonical: string;
  type: 'website' | 'article';
  structured: object[];
}

export interface HeadPost {
  number: number;
  html: string;
  createdAt: Date;
  likes: number;
  author: { username: string; displayName: string };
}

export interface HeadThread {
  id: number;
  title: string;
  kind: string;
  createdAt: Date;
  category: { slug: string; name: string };
  acceptedPostId: number | null;
  acceptedNumber: number | null;
  replyCount: number;
  first: HeadPost | null;
  replies: HeadPost[];
}

/** Text for an HTML or XML attribute or element. */
export const escapeMarkup = (text: string) =>
  text.replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&#39;' })[c]!);

/** Cooked HTML (already sanitized) as plain text for descriptions and structured data. */
export function plainText(html: string): string {
  return html
    .replace(/<[^>]*>/g, ' ')
    .replace(
      /&(amp|lt|gt|quot|#39|nbsp);/g,
      (_, e: string) => ({ amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'", nbsp: ' ' })[e]!,
    )
    .replace(/\s+/g, ' ')
    .trim();
}

const clip = (text: string, max: number) =>
  text.length <= max ? text : `${text.slice(0, max - 1).replace(/\s+\S*$/, '')}…`;

/** The <head> markup replacing the shell's <title>. */
export function headMarkup(head: PageHead, siteName: string): string {
  const tags = [
    `<title>${escapeMarkup(head.title)}</title>`,
    `<meta name="description" content="${escapeMarkup(head.description)}" />`,
    `<link rel="canonical" href="${escapeMarkup(head.canonical)}" />`,
    `<meta property="og:site_name" content="${escapeMarkup(siteName)}" />`,
    `<meta property="og:type" content="${head.type}" />`,
    `<meta property="og:title" content="${escapeMarkup(head.title)}" />`,
    `<meta property="og:description" content="${escapeMarkup(head.description)}" />`,
    `<meta property="og:url" content="${escapeMarkup(head.canonical)}" />`,
    `<meta name="twitter:card" content="summary" />`,
    `<meta name="twitter:title" content="${escapeMarkup(head.title)}" />`,
    `<meta name="twitter:description" content="${escapeMarkup(head.description)}" />`,
  ];
  for (const data of head.structured) {
    // `<` escaped so that no text in the data can close the script element.
    tags.push(`<script type="application/ld+json">${JSON.stringify(data).replace(/</g, '\\u003c')}</script>`);
  }
  return tags.join('\n    ');
}

export function threadHead(thread: HeadThread, base: string, siteName: string, page: number): PageHead {
  const url = `${base}/t/${thread.id}`;
  const canonical = page > 1 ? `${url}?page=${page}` : url;
  const firstText = thread.first ? plainText(thread.first.html) : '';
  const person = (a: HeadPost['author']): Person => ({
    '@type': 'Person',
    name: a.displayName || a.username,
    url: `${base}/u/${encodeURIComponent(a.username)}`,
  });
  const postUrl = (p: HeadPost) => `${url}#post-${p.number}`;
  const breadcrumbs: WithContext<BreadcrumbList> = {
    '@context': 'https://schema.org',
    '@type': 'BreadcrumbList',
    itemListElement: [
      { '@type': 'ListItem', position: 1, name: siteName, item: `${base}/` },
      {
        '@type': 'ListItem',
        position: 2,
        name: thread.category.name,
        item: `${base}/c/${encodeURIComponent(thread.category.slug)}`,
      },
      { '@type': 'ListItem', position: 3, name: thread.title, item: url },
    ],
  };
  const structured: object[] = [breadcrumbs];
  if (thread.first && thread.kind === 'question') {
    const answer = (p: HeadPost) => ({
      '@type': 'Answer' as const,
      text: plainText(p.html),
      dateCreated: p.createdAt.toISOString(),
      upvoteCount: p.likes,
      url: postUrl(p),
      author: person(p.author),
    });
    const accepted = thread.replies.find((p) => p.number === thread.acceptedNumber);
    const qa: WithContext<QAPage> = {
      '@context': 'https://schema.org',
      '@type': 'QAPage',
      mainEntity: {
        '@type': 'Question',
        name: thread.title,
        text: firstText,
        answerCount: thread.replyCount,
        upvoteCount: thread.first.likes,
        dateCreated: thread.createdAt.toISOString(),
        author: person(thread.first.author),
        ...(accepted && { acceptedAnswer: answer(accepted) }),
        suggestedAnswer: thread.replies.filter((p) => p !== accepted).map(answer),
      },
    };
    structured.unshift(qa);
  } else if (thread.first) {
    const posting: WithContext<DiscussionForumPosting> = {
      '@context': 'https://schema.org',
      '@type': 'DiscussionForumPosting',
      headline: thread.title,
      text: firstText,
      url,
      datePublished: thread.createdAt.toISOString(),
      author: person(thread.first.author),
      interactionStatistic: [
        {
          '@type': 'InteractionCounter',
          interactionType: { '@type': 'LikeAction' },
          userInteractionCount: thread.first.likes,
        },
        {
          '@type': 'InteractionCounter',
          interactionType: { '@type': 'CommentAction' },
          userInteractionCount: thread.replyCount,
        },
      ],
      comment: thread.replies.map((p) => ({
        '@type': 'Comment',
        text: plainText(p.html),
        datePublished: p.createdAt.toISOString(),
        url: postUrl(p),
        author: person(p.author),
      })),
    };
    structured.unshift(posting);
  }
  return {
    title: `${thread.title} · ${siteName}`,
    description: clip(firstText || thread.title, 160),
    canonical,
    type: 'article',
    structured,
  };
}

export function simpleHead(title: string, description: string, canonical: string): PageHead {
  return { title, description: clip(description, 160), canonical, type: 'website', structured: [] };
}
