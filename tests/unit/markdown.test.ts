import { describe, expect, it } from 'vitest';
import { findMentions, renderMarkdown } from '../../server/lib/markdown.ts';

describe('renderMarkdown', () => {
  it('renders Markdown to HTML', () => {
    expect(renderMarkdown('**gras** et *italique*')).toBe('<p><strong>gras</strong> et <em>italique</em></p>\n');
  });

  it('removes raw script tags and event handlers that marked lets through', () => {
    const html = renderMarkdown('<script>alert(1)</script><img src="https://x.test/a.png" onerror="alert(1)">');
    expect(html).not.toContain('<script');
    expect(html).not.toContain('onerror');
  });

  it('drops javascript: links but keeps their text', () => {
    const html = renderMarkdown('[cliquez](javascript:alert(1))');
    expect(html).not.toContain('javascript:');
    expect(html).toContain('cliquez');
  });

  it('marks every link nofollow ugc noopener', () => {
    expect(renderMarkdown('[Cime](https://cime.example)')).toContain('rel="nofollow ugc noopener"');
  });

  const OURS = '/api/media/abcdefghijklmnopqrstuv/full.webp';

  it('shows only our own images: an external one becomes a link, data: and relative-protocol ones text', () => {
    expect(renderMarkdown(`![a](${OURS})`)).toContain(`<img src="${OURS}" alt="a" loading="lazy"`);
    const external = renderMarkdown('![la tente](https://img.example/a.png)');
    expect(external).not.toContain('<img');
    expect(external).toContain('<a href="https://img.example/a.png" rel="nofollow ugc noopener">la tente</a>');
    expect(renderMarkdown('![a](data:image/png;base64,AAAA)')).not.toContain('<img');
    expect(renderMarkdown('![a](//evil.example/a.png)')).not.toContain('<img');
    expect(renderMarkdown('<img src="https://track.example/p.gif">')).not.toContain('track.example');
    expect(renderMarkdown('<img src="/api/me">')).not.toContain('<img');
  });

  it('gives the images it knows their address, size and variants; a member’s own srcset never passes', () => {
    const images = {
      'https://img.example/a.png': {
        src: OURS,
        srcset: `${OURS.replace('full', 'w640')} 640w, ${OURS} 1200w`,
        width: 1200,
        height: 800,
      },
    };
    const html = renderMarkdown('![la tente](https://img.example/a.png)', new Set(), images);
    expect(html).toContain(`src="${OURS}"`);
    expect(html).toContain('width="1200" height="800"');
    expect(html).toContain('640w');
    const forged = renderMarkdown(`<img src="${OURS}" srcset="https://track.example/p.gif 1x" onerror="alert(1)">`);
    expect(forged).not.toContain('track.example');
    expect(forged).not.toContain('onerror');
  });

  it('links mentions of existing members only, and leaves e-mail addresses alone', () => {
    const html = renderMarkdown('Merci @camille et @inconnu, écrivez à contact@cime.fr', new Set(['camille']));
    expect(html).toContain('<a class="mention" href="/u/camille" rel="nofollow ugc noopener">@camille</a>');
    expect(html).toContain('@inconnu');
    expect(html).not.toContain('href="/u/inconnu"');
    expect(html).not.toContain('href="/u/cime.fr"');
  });

  it('links a mention after punctuation or an astral character', () => {
    const html = renderMarkdown('(@camille) 🎉@camille', new Set(['camille']));
    expect(html.match(/class="mention"/g)).toHaveLength(2);
  });
});

describe('findMentions', () => {
  it('finds names after @, lower-cased, without a sentence-ending dot', () => {
    expect(findMentions('Salut @Camille_R. et @lea.grimpe !')).toEqual(['camille_r', 'lea.grimpe']);
  });

  it('ignores e-mail addresses', () => {
    expect(findMentions('contact@cime.fr')).toEqual([]);
  });
});
