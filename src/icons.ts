import { LabIcon } from '@jupyterlab/ui-components';

import readinessSvg from '../style/icons/readiness.svg';
import errorSvg from '../style/icons/severity-error.svg';
import infoSvg from '../style/icons/severity-info.svg';
import warningSvg from '../style/icons/severity-warning.svg';
import type { Severity } from './types';

export const readinessIcon = new LabIcon({
  name: 'jupyterlab-readiness:readiness',
  svgstr: readinessSvg
});

export const severityIcons: Record<Severity, LabIcon> = {
  error: new LabIcon({
    name: 'jupyterlab-readiness:severity-error',
    svgstr: errorSvg
  }),
  warning: new LabIcon({
    name: 'jupyterlab-readiness:severity-warning',
    svgstr: warningSvg
  }),
  info: new LabIcon({
    name: 'jupyterlab-readiness:severity-info',
    svgstr: infoSvg
  })
};
