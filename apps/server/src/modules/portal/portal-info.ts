import { type PortalInfo, portalLanguages, portalRequestTypes, regimes } from '@custodian/contracts';
import type { ControllerConfig } from '../../platform/config.js';

/** What the portal renders: who the controller is, the rights per regime, and whether GPC reached us. */
export function portalInfo(controller: ControllerConfig, gpc: boolean): PortalInfo {
  return {
    controller: {
      name: controller.name,
      address: controller.address,
      email: controller.email,
      url: controller.url,
    },
    requestTypes: { gdpr: [...portalRequestTypes.gdpr], ccpa: [...portalRequestTypes.ccpa] },
    regimes: [...regimes],
    languages: [...portalLanguages],
    gpc,
  };
}
