import type { Me } from '@custodian/contracts';
import { Link, type Route } from '../router.js';
import { CampaignPage } from './CampaignPage.js';
import { CampaignsPage } from './CampaignsPage.js';
import { ScoringPage } from './ScoringPage.js';
import { SegmentsPage } from './SegmentsPage.js';
import '../ui/forms.css';
import './marketing.css';

export type MarketingRoute = Extract<Route, { name: 'segments' | 'campaigns' | 'campaign' | 'scoring' }>;

export const isMarketingRoute = (route: Route): route is MarketingRoute =>
  route.name === 'segments' ||
  route.name === 'campaigns' ||
  route.name === 'campaign' ||
  route.name === 'scoring';

/** Roles that manage segments, campaigns or scoring rules see the marketing area. */
export const mayUseMarketing = (me: Me): boolean =>
  ['segments:manage', 'campaigns:manage', 'scoring:manage'].some((p) =>
    me.permissions.includes(p as Me['permissions'][number]),
  );

/** The page a "Marketing" link opens: the first area the role manages. */
export const marketingHome = (me: Me): string =>
  me.permissions.includes('campaigns:manage')
    ? '/campaigns'
    : me.permissions.includes('segments:manage')
      ? '/segments'
      : '/scoring';

export function MarketingArea({ me, route }: { me: Me; route: MarketingRoute }) {
  const current = (...names: MarketingRoute['name'][]) => (names.includes(route.name) ? 'page' : undefined);
  return (
    <div className="marketing-area">
      <nav aria-label="Marketing" className="sub-nav">
        <Link to="/campaigns" aria-current={current('campaigns', 'campaign')}>
          Campaigns
        </Link>
        <Link to="/segments" aria-current={current('segments')}>
          Segments
        </Link>
        <Link to="/scoring" aria-current={current('scoring')}>
          Lead scoring
        </Link>
      </nav>
      {route.name === 'segments' && <SegmentsPage me={me} />}
      {route.name === 'campaigns' && <CampaignsPage me={me} />}
      {route.name === 'campaign' && <CampaignPage me={me} id={route.id} />}
      {route.name === 'scoring' && <ScoringPage me={me} />}
    </div>
  );
}
