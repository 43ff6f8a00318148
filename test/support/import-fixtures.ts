import { nationalId } from '../../src/core/geo/demo-city.ts';

/**
 * A small self-contained jurisdiction tree far from the demo city (around 40°N 116°E), with
 * unit grids, households, residents and places, written as the import files would be.
 */
export const square = (w: number, s: number, e: number, n: number) => ({
  type: 'Polygon' as const,
  coordinates: [
    [
      [w, s],
      [e, s],
      [e, n],
      [w, n],
      [w, s],
    ],
  ],
});

export const feature = (properties: Record<string, unknown>, geometry: unknown) => ({
  type: 'Feature',
  properties,
  geometry,
});

export const collection = (features: unknown[]) => JSON.stringify({ type: 'FeatureCollection', features });

export const COMMUNITY = '980101001001';

export const jurisdictionFeatures = () => [
  feature(
    { code: '980000', parentCode: null, nameZh: '测试省', nameEn: 'Test Province' },
    square(116, 40, 116.1, 40.1),
  ),
  feature(
    { code: '980100', parentCode: '980000', nameZh: '测试市', nameEn: 'Test City' },
    square(116, 40, 116.1, 40.1),
  ),
  feature(
    { code: '980101', parentCode: '980100', nameZh: '测试区', nameEn: 'Test District' },
    square(116, 40, 116.1, 40.1),
  ),
  feature(
    { code: '980101001', parentCode: '980101', nameZh: '测试街道', nameEn: 'Test Subdistrict' },
    square(116, 40, 116.05, 40.05),
  ),
  feature(
    { code: COMMUNITY, parentCode: '980101001', nameZh: '测试社区', nameEn: 'Test Community' },
    square(116, 40, 116.004, 40.004),
  ),
];

/** Four grids in a 2×2 block, listed out of order and without serials: SE, NW, SW, NE. */
export const gridFeatures = () => [
  feature({ communityCode: COMMUNITY, nameZh: '东南', nameEn: 'South-east' }, square(116.002, 40, 116.004, 40.002)),
  feature({ communityCode: COMMUNITY, nameZh: '西北', nameEn: 'North-west' }, square(116, 40.002, 116.002, 40.004)),
  feature({ communityCode: COMMUNITY, nameZh: '西南', nameEn: 'South-west' }, square(116, 40, 116.002, 40.002)),
  feature({ communityCode: COMMUNITY, nameZh: '东北', nameEn: 'North-east' }, square(116.002, 40.002, 116.004, 40.004)),
];

export const HOUSEHOLD_IDS = [
  '00000000-0000-4000-8000-000000000001',
  '00000000-0000-4000-8000-000000000002',
  '00000000-0000-4000-8000-000000000003',
];

export const householdsCsv = () =>
  [
    'id,address,lat,lng,grid_code',
    `${HOUSEHOLD_IDS[0]},"1 North-west Road, Flat 2",40.003,116.001,${COMMUNITY}001`,
    `${HOUSEHOLD_IDS[1]},2 South-east Road,40.001,116.003,`,
    `${HOUSEHOLD_IDS[2]},3 South-west Road,40.0015,116.0005,`,
  ].join('\n') + '\n';

export const testNationalId = (seq: number, birth = [1980, 5, 17] as const) =>
  nationalId('980101', birth[0], birth[1], birth[2], seq);

export const residentsCsv = () =>
  [
    'id,household_id,name,birth_date,phone,national_id',
    `10000000-0000-4000-8000-000000000001,${HOUSEHOLD_IDS[0]},张三,1980-05-17,13900000001,${testNationalId(1)}`,
    `10000000-0000-4000-8000-000000000002,${HOUSEHOLD_IDS[0]},李四,1980-05-17,,${testNationalId(2)}`,
    `10000000-0000-4000-8000-000000000003,${HOUSEHOLD_IDS[1]},"王, 五",2015-01-02,,`,
  ].join('\n') + '\n';

export const placesCsv = () =>
  [
    'id,kind,category,name_zh,name_en,lat,lng,grid_code',
    `20000000-0000-4000-8000-000000000001,venue,restaurant,测试餐馆,Test Restaurant,40.0031,116.0011,${COMMUNITY}001`,
    `20000000-0000-4000-8000-000000000002,sentinel,metro_station,测试地铁站,Test Metro,40.0011,116.0031,${COMMUNITY}004`,
  ].join('\n') + '\n';
